// Why native: wasm 4.22 runs Add/Sub/Mul/Div on one thread with 128-bit SIMD, and a `paper` training
// step spends ~10 % of its time in them (RMSNorm gains, rotary tables, SwiGLU, their gradients). These
// are memory-bound: two threads and AVX-512 stores move the same bytes in a fraction of the time.
#include "binary.h"

#include <Eigen/Core>
#include <algorithm>

#include "pool.h"

namespace forge {
namespace {

using Array = Eigen::Map<const Eigen::ArrayXf>;
using OutArray = Eigen::Map<Eigen::ArrayXf>;

template <typename L, typename R>
void Apply(BinaryOp op, const L& left, const R& right, OutArray& out) {
  switch (op) {
    case BinaryOp::kAdd: out = left + right; break;
    case BinaryOp::kSub: out = left - right; break;
    case BinaryOp::kMul: out = left * right; break;
    case BinaryOp::kDiv: out = left / right; break;
  }
}

// The first element of an operand for output row `row`.
const float* RowStart(Operand layout, const float* base, int64_t row, int64_t inner) {
  switch (layout) {
    case Operand::kFull: return base + row * inner;
    case Operand::kPerRow: return base + row;
    default: return base;
  }
}

bool Spread(Operand layout) { return layout == Operand::kPerRow || layout == Operand::kScalar; }

// `count` outputs from operands that either advance with the output or are one value spread over it.
void Span(BinaryOp op, Operand aLayout, Operand bLayout, const float* a, const float* b, float* out, int64_t count) {
  OutArray result(out, count);
  if (Spread(aLayout)) Apply(op, Eigen::ArrayXf::Constant(count, a[0]), Array(b, count), result);
  else if (Spread(bLayout)) Apply(op, Array(a, count), Eigen::ArrayXf::Constant(count, b[0]), result);
  else Apply(op, Array(a, count), Array(b, count), result);
}

}  // namespace

void Binary(BinaryOp op, const BinaryShape& s, const float* a, const float* b, float* out, int threads) {
  // Whole rows per task, about 32K elements each.
  const int64_t rowsPerTask = std::max<int64_t>(1, (int64_t{1} << 15) / std::max<int64_t>(1, s.inner));
  const auto advances = [](Operand layout) { return layout == Operand::kFull || layout == Operand::kScalar; };
  // Both operands advance with the output, or one is a scalar: one span covers many rows.
  const bool contiguous = advances(s.a) && advances(s.b);
  ParallelFor((s.outer + rowsPerTask - 1) / rowsPerTask, threads, [&](int64_t task) {
    const int64_t first = task * rowsPerTask, rows = std::min(rowsPerTask, s.outer - first);
    if (contiguous) {
      Span(op, s.a, s.b, RowStart(s.a, a, first, s.inner), RowStart(s.b, b, first, s.inner), out + first * s.inner, rows * s.inner);
      return;
    }
    for (int64_t o = first; o < first + rows; o++) {
      Span(op, s.a, s.b, RowStart(s.a, a, o, s.inner), RowStart(s.b, b, o, s.inner), out + o * s.inner, s.inner);
    }
  });
}

}  // namespace forge
