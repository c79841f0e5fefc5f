// Elementwise float32 functions (see unary.cc).
#pragma once

#include <cstdint>

namespace forge {

enum class UnaryOp { kTanh = 0, kSigmoid = 1, kExp = 2 };

// out[i] = op(x[i]) for i < n; out may equal x.
void Unary(UnaryOp op, const float* x, float* out, int64_t n, int threads);

}  // namespace forge
