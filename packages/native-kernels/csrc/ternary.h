// The packed ternary matrix product of BitNet b1.58 inference (see ternary.cc for the layout and why).
#pragma once

#include <cstdint>

namespace forge {

// Inputs per 128-input block of one output row: 32 bytes, byte b holding inputs b, b+32, b+64, b+96 at
// bits 0-1, 2-3, 4-5, 6-7 as code = value + 1 (0 → −1, 1 → 0, 2 → +1); a row is padded with code 1.
constexpr int64_t kTernaryBlock = 128;
constexpr int64_t kTernaryBlockBytes = 32;

struct TernaryShape {
  int64_t rows;     // activation rows (tokens)
  int64_t k;        // inputs
  int64_t n;        // outputs
  int bits;         // activation bits, 2..8 (int8 levels)
  bool rmsNorm;     // the parameter-free RMSNorm before quantizing
  double normEps;   // its epsilon
  double scale;     // the weight's absmean scale γ
};

// Bytes of one output row of packed weights: ⌈k / 128⌉ · 32.
int64_t TernaryRowBytes(int64_t k);

// out[r, j] = Q(x[r]) · W_q[:, j] · γ: each row of x (rows × k floats) is normed (optional) and
// quantized per token by absmax to signed `bits`-bit levels, multiplied in integers against the packed
// weights (n rows of TernaryRowBytes(k) bytes), and scaled back by γ / the row's scale.
void TernaryMatMul(const TernaryShape& shape, const float* x, const uint8_t* weights, float* out, int threads);

}  // namespace forge
