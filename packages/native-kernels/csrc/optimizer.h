// The AdamW update in one pass (see optimizer.cc).
#pragma once

#include <cstdint>

namespace forge {

struct AdamWSettings {
  float lr, beta1, beta2, eps, weightDecay;
  // 1 − β^t for the bias corrections of this step.
  float correction1, correction2;
};

// outM = β1·m + (1−β1)·g; outV = β2·v + (1−β2)·g²;
// outW = w − lr·((outM/c1) / (sqrt(outV/c2) + ε) + weightDecay·w). Outputs may not alias inputs.
void AdamW(const AdamWSettings& s, const float* w, const float* g, const float* m, const float* v, float* outW, float* outM,
           float* outV, int64_t n, int threads);

}  // namespace forge
