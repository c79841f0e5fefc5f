// Rotary position embedding (RoPE, rotate-half layout), forward and gradient, fused (see rope.cc).
#pragma once

#include <cstdint>

namespace forge {

// out = x·cos + rotate_half(x)·sin for x of `rows` rows of `width` (even) values, row r at position
// r mod `length`, with cos/sin tables [length, width]. `inverse` gives the gradient instead:
// dx = dy·cos − rotate_half(dy·sin), i.e. the rotation by the negated angle.
void Rope(const float* x, const float* cos, const float* sin, float* out, int64_t rows, int64_t length, int64_t width, bool inverse,
          int threads);

}  // namespace forge
