// Why this layout (bitnet.cpp's I2_S and llama.cpp's TQ2_0 do the same): each 32-byte load holds 128
// weights of one output, and four shifts + masks turn it into four vectors of 32 unsigned codes lined up
// with 32 consecutive int8 activations, so one `maddubs` multiplies 32 pairs. Storing value + 1 keeps
// the codes unsigned (what maddubs needs); the product then over-counts Σ a, subtracted once per token.
// Lookup-table kernels (bitnet.cpp TL1/TL2, T-MAC) need per-shape generated code and tables per token;
// for a prompt, the same weight bytes here serve up to four tokens at once (the GEMM's reuse).
#include "ternary.h"

#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "pool.h"

namespace forge {
namespace {

constexpr int kTokenTile = 4;
constexpr int64_t kColumnTile = 16;

// One token's levels (padded with zeros to whole blocks), its scale, and Σ levels.
struct QuantizedRows {
  std::vector<int8_t> levels;
  std::vector<float> scale;
  std::vector<int32_t> sum;
};

// Mirrors bitnet's float path step by step (float32 products, round half to even) so the integer levels
// are the ones the float path divides by.
void QuantizeRow(const TernaryShape& s, const float* x, int8_t* levels, float* rowScale, int32_t* rowSum) {
  float norm = 1.0f;
  if (s.rmsNorm) {
    double squares = 0;
    for (int64_t i = 0; i < s.k; i++) squares += static_cast<double>(x[i]) * x[i];
    const float mean = static_cast<float>(static_cast<float>(squares / static_cast<double>(s.k)) + s.normEps);
    norm = static_cast<float>(1.0 / std::sqrt(static_cast<double>(mean)));
  }
  float largest = 0.0f;
  for (int64_t i = 0; i < s.k; i++) largest = std::max(largest, std::fabs(x[i] * norm));
  const float limit = static_cast<float>((1 << (s.bits - 1)) - 1);
  const float scale = static_cast<float>(static_cast<double>(limit) / std::max(static_cast<double>(largest), 1e-5));
  int32_t total = 0;
  for (int64_t i = 0; i < s.k; i++) {
    const float level = std::nearbyint((x[i] * norm) * scale);
    const int32_t clipped = static_cast<int32_t>(std::min(limit, std::max(-limit - 1.0f, level)));
    levels[i] = static_cast<int8_t>(clipped);
    total += clipped;
  }
  *rowScale = scale;
  *rowSum = total;
}

// Σ codes · levels for `tokens` (1..4) token rows against one packed weight row.
template <int Tokens>
void CodeDots(const uint8_t* w, const int8_t* act, int64_t stride, int64_t blocks, int32_t* dots) {
#if defined(__AVX2__)
  const __m256i mask = _mm256_set1_epi8(3);
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i acc[Tokens];
  for (int t = 0; t < Tokens; t++) acc[t] = _mm256_setzero_si256();
  for (int64_t b = 0; b < blocks; b++) {
    const __m256i packed = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + b * kTernaryBlockBytes));
    const __m256i c0 = _mm256_and_si256(packed, mask);
    const __m256i c1 = _mm256_and_si256(_mm256_srli_epi16(packed, 2), mask);
    const __m256i c2 = _mm256_and_si256(_mm256_srli_epi16(packed, 4), mask);
    const __m256i c3 = _mm256_and_si256(_mm256_srli_epi16(packed, 6), mask);
    for (int t = 0; t < Tokens; t++) {
      const int8_t* a = act + t * stride + b * kTernaryBlock;
      const auto load = [a](int part) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + 32 * part)); };
      // Each 16-bit lane sums 8 products of |code| ≤ 2 and |level| ≤ 128: at most 2048, no saturation.
      __m256i sum = _mm256_maddubs_epi16(c0, load(0));
      sum = _mm256_add_epi16(sum, _mm256_maddubs_epi16(c1, load(1)));
      sum = _mm256_add_epi16(sum, _mm256_maddubs_epi16(c2, load(2)));
      sum = _mm256_add_epi16(sum, _mm256_maddubs_epi16(c3, load(3)));
      acc[t] = _mm256_add_epi32(acc[t], _mm256_madd_epi16(sum, ones));
    }
  }
  for (int t = 0; t < Tokens; t++) {
    const __m128i half = _mm_add_epi32(_mm256_castsi256_si128(acc[t]), _mm256_extracti128_si256(acc[t], 1));
    const __m128i quarter = _mm_add_epi32(half, _mm_unpackhi_epi64(half, half));
    dots[t] = _mm_cvtsi128_si32(_mm_add_epi32(quarter, _mm_shuffle_epi32(quarter, 1)));
  }
#else
  for (int t = 0; t < Tokens; t++) {
    const int8_t* a = act + t * stride;
    int32_t total = 0;
    for (int64_t b = 0; b < blocks; b++) {
      for (int64_t i = 0; i < kTernaryBlockBytes; i++) {
        const int byte = w[b * kTernaryBlockBytes + i];
        const int8_t* at = a + b * kTernaryBlock + i;
        total += (byte & 3) * at[0] + ((byte >> 2) & 3) * at[32] + ((byte >> 4) & 3) * at[64] + ((byte >> 6) & 3) * at[96];
      }
    }
    dots[t] = total;
  }
#endif
}

void TokenTile(int tokens, const uint8_t* w, const int8_t* act, int64_t stride, int64_t blocks, int32_t* dots) {
  switch (tokens) {
    case 4: return CodeDots<4>(w, act, stride, blocks, dots);
    case 3: return CodeDots<3>(w, act, stride, blocks, dots);
    case 2: return CodeDots<2>(w, act, stride, blocks, dots);
    default: return CodeDots<1>(w, act, stride, blocks, dots);
  }
}

}  // namespace

int64_t TernaryRowBytes(int64_t k) { return (k + kTernaryBlock - 1) / kTernaryBlock * kTernaryBlockBytes; }

void TernaryMatMul(const TernaryShape& s, const float* x, const uint8_t* weights, float* out, int threads) {
  const int64_t rowBytes = TernaryRowBytes(s.k), blocks = rowBytes / kTernaryBlockBytes, stride = blocks * kTernaryBlock;
  QuantizedRows q{std::vector<int8_t>(static_cast<size_t>(s.rows * stride), 0), std::vector<float>(s.rows), std::vector<int32_t>(s.rows)};
  ParallelFor(s.rows, threads, [&](int64_t r) { QuantizeRow(s, x + r * s.k, q.levels.data() + r * stride, &q.scale[r], &q.sum[r]); });
  // Column tiles are the parallel tasks; inside one, token tiles reuse each weight row's bytes from L1.
  ParallelFor((s.n + kColumnTile - 1) / kColumnTile, threads, [&](int64_t tile) {
    const int64_t first = tile * kColumnTile, last = std::min(s.n, first + kColumnTile);
    int32_t dots[kTokenTile];
    for (int64_t r0 = 0; r0 < s.rows; r0 += kTokenTile) {
      const int tokens = static_cast<int>(std::min<int64_t>(kTokenTile, s.rows - r0));
      for (int64_t j = first; j < last; j++) {
        TokenTile(tokens, weights + j * rowBytes, q.levels.data() + r0 * stride, stride, blocks, dots);
        for (int t = 0; t < tokens; t++) {
          const int64_t r = r0 + t;
          const double factor = s.scale / static_cast<double>(q.scale[r]);
          out[r * s.n + j] = static_cast<float>(static_cast<double>(dots[t] - q.sum[r]) * factor);
        }
      }
    }
  });
}

}  // namespace forge
