// RMSNorm and LayerNorm over the last axis, forward and backward, fused (see norm.cc).
#pragma once

#include <cstdint>

namespace forge {

struct NormShape {
  int64_t rows, width;
  bool layerNorm;  // LayerNorm (centred, with a bias) or RMSNorm
  float eps;
};

// y = x̂·gain (+ bias), x̂ = (x − mean)·rstd for LayerNorm, x·rstd for RMSNorm; saves each row's mean
// (0 for RMSNorm) and rstd = 1/sqrt(var + eps) (var: mean of squares for RMSNorm). bias may be null.
void NormForward(const NormShape& s, const float* x, const float* gain, const float* bias, float* y, float* mean, float* rstd,
                 int threads);

// dx, dgain and (LayerNorm) dbias from dy and the forward's saved mean and rstd. dbias may be null.
void NormBackward(const NormShape& s, const float* x, const float* gain, const float* mean, const float* rstd, const float* dy,
                  float* dx, float* dgain, float* dbias, int threads);

}  // namespace forge
