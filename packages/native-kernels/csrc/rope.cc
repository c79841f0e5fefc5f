// Why native and fused: RoPE as tensor ops is a [rows, width]·[width, width] product with a signed
// permutation (rotate-half), two products with the tables and a sum, each a pass over the queries or
// keys plus TensorFlow.js bookkeeping, twice per block; here one pass each way.
#include "rope.h"

#include <algorithm>

#include "pool.h"

namespace forge {
namespace {

constexpr int64_t kRowsPerTask = 256;

}  // namespace

void Rope(const float* x, const float* cos, const float* sin, float* out, int64_t rows, int64_t length, int64_t width, bool inverse,
          int threads) {
  const int64_t half = width / 2;
  // Rotate-half: out[i] pairs x[i] with −x[i + half], out[i + half] pairs x[i + half] with x[i]; the
  // gradient (the transposed map) moves the sines to the other element of each pair.
  ParallelFor((rows + kRowsPerTask - 1) / kRowsPerTask, threads, [&](int64_t task) {
    const int64_t end = std::min(rows, (task + 1) * kRowsPerTask);
    for (int64_t r = task * kRowsPerTask; r < end; r++) {
      const float* in = x + r * width;
      const float* c = cos + (r % length) * width;
      const float* s = sin + (r % length) * width;
      float* o = out + r * width;
      for (int64_t i = 0; i < half; i++) {
        const float a = in[i], b = in[i + half];
        if (inverse) {
          o[i] = a * c[i] + b * s[i + half];
          o[i + half] = b * c[i + half] - a * s[i];
        } else {
          o[i] = a * c[i] - b * s[i];
          o[i + half] = b * c[i + half] + a * s[i + half];
        }
      }
    }
  });
}

}  // namespace forge
