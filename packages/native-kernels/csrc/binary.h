// Elementwise float32 arithmetic with the broadcasts model code uses (see binary.cc).
#pragma once

#include <cstdint>

namespace forge {

enum class BinaryOp { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3 };

// out[o, i] = a[o, i] op b[o, i] over `outer` rows of `inner` elements, where an operand whose row
// stride is 0 repeats one row for every o (a [inner] gain against [outer, inner] activations), and an
// operand of inner length 1 is a scalar.
struct BinaryShape {
  int64_t outer, inner;
  int64_t aRowStride, bRowStride;  // inner (own rows) or 0 (one row, repeated)
  bool aScalar, bScalar;           // one element for everything
};

void Binary(BinaryOp op, const BinaryShape& shape, const float* a, const float* b, float* out, int threads);

}  // namespace forge
