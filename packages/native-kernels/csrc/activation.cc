// Why native and fused: GELU as tensor ops is 9 kernels forward and ~20 backward over the MLP's hidden
// activations (the widest tensors of a block), SwiGLU 3 and ~8; each is a pass over memory and ~50-100 µs
// of TensorFlow.js bookkeeping. Fused: one pass each way, vectorised (Eigen's tanh and exp), threaded.
#include "activation.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "pool.h"

namespace forge {
namespace {

using Array = Eigen::Map<const Eigen::ArrayXf>;
using OutArray = Eigen::Map<Eigen::ArrayXf>;

constexpr float kGeluScale = 0.7978845608028654f;  // sqrt(2 / pi)
constexpr float kGeluCubic = 0.044715f;
constexpr int64_t kChunk = 1 << 14;

template <typename F>
void ForChunks(int64_t n, int threads, F&& chunk) {
  ParallelFor((n + kChunk - 1) / kChunk, threads, [&](int64_t task) {
    const int64_t start = task * kChunk;
    chunk(start, std::min(kChunk, n - start));
  });
}

}  // namespace

void ActivationForward(Activation op, const float* a, const float* b, float* out, int64_t n, int threads) {
  ForChunks(n, threads, [&](int64_t start, int64_t size) {
    Array x(a + start, size);
    OutArray y(out + start, size);
    if (op == Activation::kGelu) {
      y = 0.5f * x * (1.0f + (kGeluScale * (x + kGeluCubic * x.cube())).tanh());
    } else {
      y = x / (1.0f + (-x).exp()) * Array(b + start, size);
    }
  });
}

void ActivationBackward(Activation op, const float* a, const float* b, const float* dy, float* da, float* db, int64_t n, int threads) {
  ForChunks(n, threads, [&](int64_t start, int64_t size) {
    Array x(a + start, size), grad(dy + start, size);
    if (op == Activation::kGelu) {
      const Eigen::ArrayXf t = (kGeluScale * (x + kGeluCubic * x.cube())).tanh();
      OutArray(da + start, size) = grad * (0.5f * (1.0f + t) + 0.5f * x * (1.0f - t.square()) * kGeluScale * (1.0f + 3.0f * kGeluCubic * x.square()));
      return;
    }
    Array up(b + start, size);
    const Eigen::ArrayXf sigmoid = (1.0f + (-x).exp()).inverse();
    OutArray(da + start, size) = grad * up * sigmoid * (1.0f + x * (1.0f - sigmoid));
    OutArray(db + start, size) = grad * x * sigmoid;
  });
}

}  // namespace forge
