// Elementwise float32 arithmetic with the broadcasts model code uses (see binary.cc).
#pragma once

#include <cstdint>

namespace forge {

enum class BinaryOp { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3 };

// out[o, i] = a[o, i] op b[o, i] over `outer` rows of `inner` elements, where each operand is laid
// out in one of four ways: its own [outer, inner] elements, one [inner] row repeated for every o (a
// gain against activations), one value per row o ([outer, 1]: a norm's per-token scale), or a scalar.
enum class Operand { kFull = 0, kRow = 1, kPerRow = 2, kScalar = 3 };

struct BinaryShape {
  int64_t outer, inner;
  Operand a, b;
};

void Binary(BinaryOp op, const BinaryShape& shape, const float* a, const float* b, float* out, int threads);

}  // namespace forge
