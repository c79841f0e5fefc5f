// Why native: attention splits and merges heads with [B, T, H, d] <-> [B, H, T, d] transposes, forward
// and backward, and wasm 4.22 runs them on one thread (~7 % of a `paper` step). Here each output row
// (the last output axis) is one contiguous copy when that axis is the input's last, a strided gather
// otherwise, and rows are split across threads.
#include "transpose.h"

#include <algorithm>
#include <cstring>

#include "pool.h"

namespace forge {

void Transpose(const float* x, float* out, const int64_t* shape, const int64_t* perm, int rank, int threads) {
  int64_t inStride[8], outShape[8], srcStride[8];
  inStride[rank - 1] = 1;
  for (int d = rank - 2; d >= 0; d--) inStride[d] = inStride[d + 1] * shape[d + 1];
  int64_t total = 1;
  for (int i = 0; i < rank; i++) {
    outShape[i] = shape[perm[i]];
    srcStride[i] = inStride[perm[i]];  // input step for one step along output axis i
    total *= outShape[i];
  }
  if (total == 0) return;
  const int64_t rowLength = outShape[rank - 1], rows = total / rowLength, step = srcStride[rank - 1];
  const int64_t rowsPerTask = std::max<int64_t>(1, (int64_t{1} << 14) / rowLength);
  ParallelFor((rows + rowsPerTask - 1) / rowsPerTask, threads, [&](int64_t task) {
    const int64_t first = task * rowsPerTask, last = std::min(rows, first + rowsPerTask);
    for (int64_t row = first; row < last; row++) {
      // The input offset of this output row's first element, from its coordinates on the leading axes.
      int64_t rest = row, source = 0;
      for (int i = rank - 2; i >= 0; i--) {
        source += (rest % outShape[i]) * srcStride[i];
        rest /= outShape[i];
      }
      float* target = out + row * rowLength;
      if (step == 1) {
        std::memcpy(target, x + source, rowLength * sizeof(float));
      } else {
        for (int64_t j = 0; j < rowLength; j++) target[j] = x[source + j * step];
      }
    }
  });
}

}  // namespace forge
