// Why native and fused: as tensor ops a norm is ~9 kernels forward and ~20 backward, each a pass over
// the activations and each ~50-100 µs of TensorFlow.js bookkeeping; a `paper` step has 13 norms, the
// Grokfast model 5. Fused: one pass forward, two backward (the row terms, then the gain sums).
#include "norm.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <vector>

#include "pool.h"

namespace forge {
namespace {

using Row = Eigen::Map<const Eigen::ArrayXf>;
using OutRow = Eigen::Map<Eigen::ArrayXf>;

int64_t RowsPerTask(int64_t width) { return std::max<int64_t>(1, (int64_t{1} << 14) / std::max<int64_t>(1, width)); }

}  // namespace

void NormForward(const NormShape& s, const float* x, const float* gain, const float* bias, float* y, float* mean, float* rstd,
                 int threads) {
  const int64_t perTask = RowsPerTask(s.width);
  Row g(gain, s.width);
  ParallelFor((s.rows + perTask - 1) / perTask, threads, [&](int64_t task) {
    for (int64_t r = task * perTask; r < std::min(s.rows, (task + 1) * perTask); r++) {
      Row in(x + r * s.width, s.width);
      const float mu = s.layerNorm ? in.mean() : 0.0f;
      const float variance = s.layerNorm ? (in - mu).square().mean() : in.square().mean();
      const float inv = 1.0f / std::sqrt(variance + s.eps);
      mean[r] = mu;
      rstd[r] = inv;
      OutRow out(y + r * s.width, s.width);
      out = (in - mu) * inv * g;
      if (bias != nullptr) out += Row(bias, s.width);
    }
  });
}

void NormBackward(const NormShape& s, const float* x, const float* gain, const float* mean, const float* rstd, const float* dy,
                  float* dx, float* dgain, float* dbias, int threads) {
  const int64_t perTask = RowsPerTask(s.width), tasks = (s.rows + perTask - 1) / perTask;
  // Per-task partial sums of the gain (and bias) gradients, added up after: no shared writes.
  std::vector<float> partialGain(tasks * s.width, 0.0f), partialBias(dbias != nullptr ? tasks * s.width : 0, 0.0f);
  Row g(gain, s.width);
  ParallelFor(tasks, threads, [&](int64_t task) {
    OutRow gainSum(partialGain.data() + task * s.width, s.width);
    for (int64_t r = task * perTask; r < std::min(s.rows, (task + 1) * perTask); r++) {
      Row grad(dy + r * s.width, s.width);
      const Eigen::ArrayXf xhat = (Row(x + r * s.width, s.width) - mean[r]) * rstd[r];
      const Eigen::ArrayXf dxhat = grad * g;
      gainSum += grad * xhat;
      if (dbias != nullptr) OutRow(partialBias.data() + task * s.width, s.width) += grad;
      const float projection = (dxhat * xhat).mean();
      const float centre = s.layerNorm ? dxhat.mean() : 0.0f;
      OutRow(dx + r * s.width, s.width) = rstd[r] * (dxhat - centre - xhat * projection);
    }
  });
  OutRow totalGain(dgain, s.width);
  totalGain.setZero();
  for (int64_t t = 0; t < tasks; t++) totalGain += Row(partialGain.data() + t * s.width, s.width);
  if (dbias != nullptr) {
    OutRow totalBias(dbias, s.width);
    totalBias.setZero();
    for (int64_t t = 0; t < tasks; t++) totalBias += Row(partialBias.data() + t * s.width, s.width);
  }
}

}  // namespace forge
