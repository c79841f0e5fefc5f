// The MLP activations, forward and backward, fused (see activation.cc).
#pragma once

#include <cstdint>

namespace forge {

enum class Activation { kGelu = 0, kSwiglu = 1 };

// GELU (tanh form): out = gelu(a); SwiGLU: out = silu(a)·b with a the gate and b the up projection.
void ActivationForward(Activation op, const float* a, const float* b, float* out, int64_t n, int threads);

// The gradients: da (and, for SwiGLU, db) from dy.
void ActivationBackward(Activation op, const float* a, const float* b, const float* dy, float* da, float* db, int64_t n, int threads);

}  // namespace forge
