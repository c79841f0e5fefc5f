// Batched float32 matrix products on row-major operands, with either operand transposed.
//
// Why Eigen: it is the library TensorFlow's own CPU kernels are written in, header-only (so the
// addon needs no run-time library), and its sgemm reaches 220-236 GFLOP/s on this
// machine kind with 2 threads (shared/research/measured-2026-12-05.md) against wasm SIMD's ~45-57.
#include "gemm.h"

#include "pool.h"

#include <Eigen/Core>

#include <algorithm>

namespace forge {
namespace {

// Eigen's own threading is never used (see MultiplyOne): products are split here.
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using MutableMap = Eigen::Map<RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;

// A slice product small enough that running whole slices on separate threads beats splitting one.
constexpr double kSmallSliceFlops = 4.0e6;
// Below this many multiply-adds a product runs on one thread: a fork-join costs ~20-40 µs, more than
// it saves. Measured idle: 1x512x1536 took 38 µs on one thread and 52 on two; 1x512x8192 (the tied
// head when decoding) 297 µs on one and 121 on two.
constexpr double kParallelFlops = 1.5e6;

// C[rows, cols] block of op(A)[m, k] * op(B)[k, n], starting at output row row0 and column col0.
void MultiplyBlock(const GemmShape& s, const float* a, const float* b, float* c, int64_t row0, int64_t rows, int64_t col0, int64_t cols) {
  MutableMap C(c + row0 * s.n + col0, rows, cols, Eigen::OuterStride<>(s.n));
  // op(A) rows row0..: rows of A, or columns of A when it is transposed.
  const float* aBlock = s.transA ? a + row0 : a + row0 * s.k;
  const float* bBlock = s.transB ? b + col0 * s.k : b + col0;
  if (s.transA) {
    ConstMap At(aBlock, s.k, rows, Eigen::OuterStride<>(s.m));
    if (s.transB) C.noalias() = At.transpose() * ConstMap(bBlock, cols, s.k, Eigen::OuterStride<>(s.k)).transpose();
    else C.noalias() = At.transpose() * ConstMap(bBlock, s.k, cols, Eigen::OuterStride<>(s.n));
  } else {
    ConstMap A(aBlock, rows, s.k, Eigen::OuterStride<>(s.k));
    if (s.transB) C.noalias() = A * ConstMap(bBlock, cols, s.k, Eigen::OuterStride<>(s.k)).transpose();
    else C.noalias() = A * ConstMap(bBlock, s.k, cols, Eigen::OuterStride<>(s.n));
  }
}

// One product on `threads` threads: the output is cut into blocks along its longer side, and each block
// is a single-threaded Eigen product with no synchronisation until the join. (Eigen's own parallel
// GEMM shares packed panels through spin-waits, which collapse when the machine is oversubscribed.)
// A few blocks per thread, so a thread the OS deschedules leaves little for the others to wait on.
void MultiplyOne(const GemmShape& s, const float* a, const float* b, float* c, int threads) {
  if (s.k == 0) {
    std::fill(c, c + s.m * s.n, 0.0f);
    return;
  }
  const double flops = static_cast<double>(s.m) * s.k * s.n;
  if (threads <= 1 || flops < kParallelFlops) {
    MultiplyBlock(s, a, b, c, 0, s.m, 0, s.n);
    return;
  }
  // Columns in multiples of 16 floats (whole cache lines), rows in multiples of 8.
  const bool byColumns = s.n >= s.m;
  const int64_t length = byColumns ? s.n : s.m, align = byColumns ? 16 : 8;
  const int64_t units = (length + align - 1) / align;
  const int64_t blocks = std::min<int64_t>(units, 4 * threads);
  const int64_t block = (units + blocks - 1) / blocks * align;
  ParallelFor((length + block - 1) / block, threads, [&](int64_t i) {
    const int64_t start = i * block, size = std::min<int64_t>(block, length - start);
    if (byColumns) MultiplyBlock(s, a, b, c, 0, s.m, start, size);
    else MultiplyBlock(s, a, b, c, start, size, 0, s.n);
  });
}

}  // namespace

void BatchMatMul(const GemmShape& s, const float* a, const float* b, float* out, const int32_t* aSlice,
                 const int32_t* bSlice, int64_t batch, int threads) {
  const int64_t aStride = s.m * s.k, bStride = s.k * s.n, outStride = s.m * s.n;
  const double flops = 2.0 * static_cast<double>(s.m) * s.k * s.n;
  // Whole slices per thread when there are enough of them (attention's B·H heads), or when they are
  // too small to split.
  if (batch > 1 && threads > 1 && (batch >= 2 * threads || flops < kSmallSliceFlops)) {
    ParallelFor(batch, threads, [&](int64_t i) { MultiplyOne(s, a + aSlice[i] * aStride, b + bSlice[i] * bStride, out + i * outStride, 1); });
    return;
  }
  for (int64_t i = 0; i < batch; i++) {
    MultiplyOne(s, a + aSlice[i] * aStride, b + bSlice[i] * bStride, out + i * outStride, threads);
  }
}

}  // namespace forge
