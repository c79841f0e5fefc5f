// Float32 matrix products for the native kernels (see gemm.cc).
#pragma once

#include <cstdint>

namespace forge {

// op(A) is [m, k], op(B) is [k, n], the output [m, n]; all row-major and densely packed.
struct GemmShape {
  int64_t m, k, n;
  bool transA, transB;
};

// out[i] = op(A[aSlice[i]]) * op(B[bSlice[i]]) for i < batch: slice indices carry the batch
// broadcasting, so one A (or B) slice can serve many output slices without a copy.
void BatchMatMul(const GemmShape& shape, const float* a, const float* b, float* out, const int32_t* aSlice,
                 const int32_t* bSlice, int64_t batch, int threads);

}  // namespace forge
