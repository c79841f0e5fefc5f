// Permuting the axes of a dense float32 tensor (see transpose.cc).
#pragma once

#include <cstdint>

namespace forge {

// out = x with its axes permuted: output axis i is input axis perm[i]. rank <= 8.
void Transpose(const float* x, float* out, const int64_t* shape, const int64_t* perm, int rank, int threads);

}  // namespace forge
