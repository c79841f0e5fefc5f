// Log-softmax cross-entropy over rows of logits, fused (see softmax.cc).
#pragma once

#include <cstdint>

namespace forge {

// For each of `rows` rows of `vocab` logits: logSumExp[r] and pick[r] = logits[r, target[r]] − logSumExp[r],
// i.e. log p(target); a target outside [0, vocab) picks 0 (as a one-hot of it would).
void LogSoftmaxPick(const float* logits, const int32_t* targets, float* pick, float* logSumExp, int64_t rows, int64_t vocab,
                    int threads);

// The gradient of pick with respect to the logits: grad[r] = dy[r]·(onehot(target[r]) − softmax(logits[r])),
// with softmax taken from the saved logSumExp; zero for a row whose target is out of range.
void LogSoftmaxPickGrad(const float* logits, const int32_t* targets, const float* logSumExp, const float* dy, float* grad,
                        int64_t rows, int64_t vocab, int threads);

}  // namespace forge

namespace forge {

// out[r] = softmax(x[r]) over each of `rows` rows of `cols` values; out may equal x.
void RowSoftmax(const float* x, float* out, int64_t rows, int64_t cols, int threads);

}  // namespace forge

namespace forge {

// Attention's probabilities: out[r] = softmax(scale·scores[r] + mask[r mod maskRows]) over rows of `cols`;
// mask is an additive [maskRows, cols] table, or null.
void ScaledSoftmax(const float* scores, const float* mask, float* out, int64_t rows, int64_t cols, int64_t maskRows, float scale,
                   int threads);

// Its gradient with respect to the scores: scale·p·(dy − Σ dy·p) per row, from the saved probabilities p.
void ScaledSoftmaxGrad(const float* probs, const float* dy, float* grad, int64_t rows, int64_t cols, float scale, int threads);

}  // namespace forge
