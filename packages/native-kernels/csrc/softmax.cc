// RowSoftmax (attention's softmax over keys) is here too: wasm 4.22 runs it on one thread.
// Why native and fused: the composite loss (logSoftmax over the vocabulary, a [rows, vocab] one-hot,
// a product and a sum, then their gradients) makes ~10 passes over rows × vocab floats — 8.4M at
// `paper` — on one wasm thread. Here: two passes forward, one backward, rows split across threads,
// exp through Eigen's vectorised packet math.
#include "softmax.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "pool.h"

namespace forge {
namespace {

using Row = Eigen::Map<const Eigen::ArrayXf>;
using MutableRow = Eigen::Map<Eigen::ArrayXf>;

constexpr int64_t kRowsPerTask = 16;

template <typename F>
void ForRows(int64_t rows, int threads, F&& perRow) {
  ParallelFor((rows + kRowsPerTask - 1) / kRowsPerTask, threads, [&](int64_t task) {
    const int64_t end = std::min(rows, (task + 1) * kRowsPerTask);
    for (int64_t r = task * kRowsPerTask; r < end; r++) perRow(r);
  });
}

bool ValidTarget(int32_t target, int64_t vocab) { return target >= 0 && target < vocab; }

}  // namespace

void LogSoftmaxPick(const float* logits, const int32_t* targets, float* pick, float* logSumExp, int64_t rows, int64_t vocab,
                    int threads) {
  ForRows(rows, threads, [&](int64_t r) {
    Row row(logits + r * vocab, vocab);
    const float max = row.maxCoeff();
    const float lse = max + std::log((row - max).exp().sum());
    logSumExp[r] = lse;
    pick[r] = ValidTarget(targets[r], vocab) ? logits[r * vocab + targets[r]] - lse : 0.0f;
  });
}

void LogSoftmaxPickGrad(const float* logits, const int32_t* targets, const float* logSumExp, const float* dy, float* grad,
                        int64_t rows, int64_t vocab, int threads) {
  ForRows(rows, threads, [&](int64_t r) {
    MutableRow out(grad + r * vocab, vocab);
    if (!ValidTarget(targets[r], vocab)) {
      out.setZero();
      return;
    }
    out = (Row(logits + r * vocab, vocab) - logSumExp[r]).exp() * -dy[r];
    out[targets[r]] += dy[r];
  });
}

void RowSoftmax(const float* x, float* out, int64_t rows, int64_t cols, int threads) {
  ForRows(rows, threads, [&](int64_t r) {
    Row row(x + r * cols, cols);
    MutableRow result(out + r * cols, cols);
    result = (row - row.maxCoeff()).exp();
    result /= result.sum();
  });
}

void ScaledSoftmax(const float* scores, const float* mask, float* out, int64_t rows, int64_t cols, int64_t maskRows, float scale,
                   int threads) {
  ForRows(rows, threads, [&](int64_t r) {
    MutableRow result(out + r * cols, cols);
    result = Row(scores + r * cols, cols) * scale;
    if (mask != nullptr) result += Row(mask + (r % maskRows) * cols, cols);
    result = (result - result.maxCoeff()).exp();
    result /= result.sum();
  });
}

void ScaledSoftmaxGrad(const float* probs, const float* dy, float* grad, int64_t rows, int64_t cols, float scale, int threads) {
  ForRows(rows, threads, [&](int64_t r) {
    Row p(probs + r * cols, cols), upstream(dy + r * cols, cols);
    const float dot = (p * upstream).sum();
    MutableRow(grad + r * cols, cols) = scale * p * (upstream - dot);
  });
}

}  // namespace forge
