// Why native: wasm 4.22 computes tanh, sigmoid and exp one scalar libm call at a time on one thread
// (tanh in the Grokfast setting's GELU: 47 ms for 1M values, a quarter of a training step); Eigen
// evaluates them with vectorised approximations accurate to a few ulp, split across threads.
#include "unary.h"

#include <Eigen/Core>
#include <algorithm>

#include "pool.h"

namespace forge {

void Unary(UnaryOp op, const float* x, float* out, int64_t n, int threads) {
  constexpr int64_t kChunk = 1 << 15;
  ParallelFor((n + kChunk - 1) / kChunk, threads, [&](int64_t chunk) {
    const int64_t start = chunk * kChunk, size = std::min(kChunk, n - start);
    Eigen::Map<const Eigen::ArrayXf> in(x + start, size);
    Eigen::Map<Eigen::ArrayXf> result(out + start, size);
    switch (op) {
      case UnaryOp::kTanh: result = in.tanh(); break;
      // 1 / (1 + e^−x): e^−x overflows to inf for x < −88 and the quotient is then exactly 0.
      case UnaryOp::kSigmoid: result = (1.0f + (-in).exp()).inverse(); break;
      case UnaryOp::kExp: result = in.exp(); break;
    }
  });
}

}  // namespace forge
