// N-API entry points of the native kernels. Every kernel works in place on float32 memory that the
// caller owns: the JS side passes one typed array over the whole wasm heap and element offsets into
// it, so tensors are read and written where tfjs' wasm backend keeps them, with no copies.
#include <node_api.h>
#include <thread>

#include <Eigen/Core>
#include <cstdint>
#include <string>

#include "activation.h"
#include "binary.h"
#include "gemm.h"
#include "norm.h"
#include "optimizer.h"
#include "rope.h"
#include "softmax.h"
#include "ternary.h"
#include "transpose.h"
#include "unary.h"

namespace {

int gThreads = 1;

struct Args {
  napi_env env;
  napi_value values[20];
  size_t count = 20;
  bool failed = false;
};

bool Throw(napi_env env, const std::string& message) {
  napi_throw_type_error(env, nullptr, message.c_str());
  return false;
}

bool GetArgs(napi_env env, napi_callback_info info, Args& args, size_t wanted, const char* name) {
  args.env = env;
  if (napi_get_cb_info(env, info, &args.count, args.values, nullptr, nullptr) != napi_ok) return Throw(env, "bad call");
  if (args.count < wanted) return Throw(env, std::string(name) + ": expected " + std::to_string(wanted) + " arguments");
  return true;
}

// Data pointer and length (in elements) of a typed array of the expected type.
template <typename T>
T* TypedData(Args& args, size_t index, napi_typedarray_type expected, size_t* length, const char* what) {
  bool isTyped = false;
  napi_is_typedarray(args.env, args.values[index], &isTyped);
  napi_typedarray_type type;
  void* data = nullptr;
  if (!isTyped || napi_get_typedarray_info(args.env, args.values[index], &type, length, &data, nullptr, nullptr) != napi_ok ||
      type != expected) {
    args.failed = !Throw(args.env, std::string(what) + " must be a typed array of the right element type");
    return nullptr;
  }
  return static_cast<T*>(data);
}

int64_t Int(Args& args, size_t index) {
  int64_t value = 0;
  if (napi_get_value_int64(args.env, args.values[index], &value) != napi_ok) args.failed = !Throw(args.env, "expected a number");
  return value;
}

float Float(Args& args, size_t index) {
  double value = 0;
  if (napi_get_value_double(args.env, args.values[index], &value) != napi_ok) args.failed = !Throw(args.env, "expected a number");
  return static_cast<float>(value);
}

bool Bool(Args& args, size_t index) {
  bool value = false;
  if (napi_get_value_bool(args.env, args.values[index], &value) != napi_ok) args.failed = !Throw(args.env, "expected a boolean");
  return value;
}

bool InRange(Args& args, int64_t offset, int64_t count, size_t length, const char* what) {
  if (offset < 0 || count < 0 || static_cast<uint64_t>(offset + count) > length) {
    args.failed = !Throw(args.env, std::string(what) + " lies outside the heap");
    return false;
  }
  return true;
}

// batchMatMul(heap, aOffset, bOffset, outOffset, m, k, n, transA, transB, aSlices, bSlices)
napi_value BatchMatMul(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 11, "batchMatMul")) return nullptr;
  size_t heapLength = 0, aCount = 0, bCount = 0;
  float* heap = TypedData<float>(args, 0, napi_float32_array, &heapLength, "heap");
  const int64_t aOffset = Int(args, 1), bOffset = Int(args, 2), outOffset = Int(args, 3);
  forge::GemmShape shape{Int(args, 4), Int(args, 5), Int(args, 6), Bool(args, 7), Bool(args, 8)};
  const int32_t* aSlices = TypedData<int32_t>(args, 9, napi_int32_array, &aCount, "aSlices");
  const int32_t* bSlices = TypedData<int32_t>(args, 10, napi_int32_array, &bCount, "bSlices");
  if (args.failed) return nullptr;
  if (aCount != bCount || shape.m < 0 || shape.k < 0 || shape.n < 0) {
    Throw(env, "batchMatMul: slice lists differ in length or a dimension is negative");
    return nullptr;
  }
  const int64_t batch = static_cast<int64_t>(aCount);
  int32_t aMax = 0, bMax = 0;
  for (int64_t i = 0; i < batch; i++) {
    if (aSlices[i] < 0 || bSlices[i] < 0) return Throw(env, "batchMatMul: negative slice index"), nullptr;
    aMax = aSlices[i] > aMax ? aSlices[i] : aMax;
    bMax = bSlices[i] > bMax ? bSlices[i] : bMax;
  }
  const int64_t aSize = shape.m * shape.k, bSize = shape.k * shape.n, outSize = shape.m * shape.n;
  if (!InRange(args, aOffset, batch == 0 ? 0 : (aMax + 1) * aSize, heapLength, "a") ||
      !InRange(args, bOffset, batch == 0 ? 0 : (bMax + 1) * bSize, heapLength, "b") ||
      !InRange(args, outOffset, batch * outSize, heapLength, "out")) {
    return nullptr;
  }
  forge::BatchMatMul(shape, heap + aOffset, heap + bOffset, heap + outOffset, aSlices, bSlices, batch, gThreads);
  return nullptr;
}

// The heap (argument 0) and `count` element offsets after it, each of a block of the given length.
struct HeapBlocks {
  float* heap = nullptr;
  int64_t offsets[8] = {};
};

bool ReadBlocks(Args& args, const char* name, size_t count, const int64_t* lengths, HeapBlocks& blocks) {
  size_t heapLength = 0;
  blocks.heap = TypedData<float>(args, 0, napi_float32_array, &heapLength, "heap");
  for (size_t i = 0; i < count && !args.failed; i++) blocks.offsets[i] = Int(args, i + 1);
  if (args.failed) return false;
  for (size_t i = 0; i < count; i++) {
    if (lengths[i] < 0 || !InRange(args, blocks.offsets[i], lengths[i], heapLength, name)) return false;
  }
  return true;
}

float* At(HeapBlocks& blocks, size_t i) { return blocks.heap + blocks.offsets[i]; }
int32_t* IntsAt(HeapBlocks& blocks, size_t i) { return reinterpret_cast<int32_t*>(blocks.heap + blocks.offsets[i]); }

// adamW(heap, w, g, m, v, outW, outM, outV, n, lr, beta1, beta2, eps, weightDecay, correction1, correction2)
napi_value AdamW(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 16, "adamW")) return nullptr;
  const int64_t n = Int(args, 8);
  const forge::AdamWSettings settings{Float(args, 9), Float(args, 10), Float(args, 11), Float(args, 12), Float(args, 13), Float(args, 14), Float(args, 15)};
  const int64_t lengths[7] = {n, n, n, n, n, n, n};
  HeapBlocks blocks;
  if (args.failed || !ReadBlocks(args, "adamW", 7, lengths, blocks)) return nullptr;
  forge::AdamW(settings, At(blocks, 0), At(blocks, 1), At(blocks, 2), At(blocks, 3), At(blocks, 4), At(blocks, 5), At(blocks, 6), n, gThreads);
  return nullptr;
}

// logSoftmaxPick(heap, logits, targets, pick, logSumExp, rows, vocab)
napi_value LogSoftmaxPick(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 7, "logSoftmaxPick")) return nullptr;
  const int64_t rows = Int(args, 5), vocab = Int(args, 6);
  const int64_t lengths[4] = {rows * vocab, rows, rows, rows};
  HeapBlocks blocks;
  if (args.failed || !ReadBlocks(args, "logSoftmaxPick", 4, lengths, blocks)) return nullptr;
  forge::LogSoftmaxPick(At(blocks, 0), IntsAt(blocks, 1), At(blocks, 2), At(blocks, 3), rows, vocab, gThreads);
  return nullptr;
}

// logSoftmaxPickGrad(heap, logits, targets, logSumExp, dy, grad, rows, vocab)
napi_value LogSoftmaxPickGrad(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 8, "logSoftmaxPickGrad")) return nullptr;
  const int64_t rows = Int(args, 6), vocab = Int(args, 7);
  const int64_t lengths[5] = {rows * vocab, rows, rows, rows, rows * vocab};
  HeapBlocks blocks;
  if (args.failed || !ReadBlocks(args, "logSoftmaxPickGrad", 5, lengths, blocks)) return nullptr;
  forge::LogSoftmaxPickGrad(At(blocks, 0), IntsAt(blocks, 1), At(blocks, 2), At(blocks, 3), At(blocks, 4), rows, vocab, gThreads);
  return nullptr;
}

// binary(heap, op, a, b, out, outer, inner, aLayout, bLayout): op 0 add, 1 sub, 2 mul, 3 div; layouts
// 0 full [outer, inner], 1 one row [inner], 2 one value per row [outer], 3 scalar
napi_value Binary(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 9, "binary")) return nullptr;
  const int64_t op = Int(args, 1), outer = Int(args, 5), inner = Int(args, 6), aLayout = Int(args, 7), bLayout = Int(args, 8);
  if (args.failed) return nullptr;
  if (op < 0 || op > 3) return Throw(env, "binary: op must be 0 (add), 1 (sub), 2 (mul) or 3 (div)"), nullptr;
  if (outer < 0 || inner < 0 || aLayout < 0 || aLayout > 3 || bLayout < 0 || bLayout > 3) return Throw(env, "binary: bad shape or operand layout"), nullptr;
  const int64_t extents[4] = {outer * inner, inner, outer, 1};
  size_t heapLength = 0;
  float* heap = TypedData<float>(args, 0, napi_float32_array, &heapLength, "heap");
  const int64_t a = Int(args, 2), b = Int(args, 3), out = Int(args, 4);
  if (args.failed || !InRange(args, a, extents[aLayout], heapLength, "a") || !InRange(args, b, extents[bLayout], heapLength, "b") ||
      !InRange(args, out, outer * inner, heapLength, "out")) {
    return nullptr;
  }
  const forge::BinaryShape shape{outer, inner, static_cast<forge::Operand>(aLayout), static_cast<forge::Operand>(bLayout)};
  forge::Binary(static_cast<forge::BinaryOp>(op), shape, heap + a, heap + b, heap + out, gThreads);
  return nullptr;
}

// An optional block: offset -1 means none (nullptr); otherwise it must lie in the heap.
bool OptionalBlock(Args& args, size_t index, int64_t length, size_t heapLength, float* heap, float** block, const char* what) {
  const int64_t offset = Int(args, index);
  if (args.failed) return false;
  if (offset == -1) {
    *block = nullptr;
    return true;
  }
  if (!InRange(args, offset, length, heapLength, what)) return false;
  *block = heap + offset;
  return true;
}

// normForward(heap, x, gain, bias | -1, y, mean, rstd, rows, width, layerNorm, eps)
napi_value NormForward(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 11, "normForward")) return nullptr;
  const int64_t rows = Int(args, 7), width = Int(args, 8);
  const forge::NormShape shape{rows, width, Bool(args, 9), Float(args, 10)};
  if (args.failed) return nullptr;
  if (rows < 0 || width < 1) return Throw(env, "normForward: rows must be >= 0 and width >= 1"), nullptr;
  size_t heapLength = 0;
  float* heap = TypedData<float>(args, 0, napi_float32_array, &heapLength, "heap");
  const int64_t x = Int(args, 1), gain = Int(args, 2), y = Int(args, 4), mean = Int(args, 5), rstd = Int(args, 6);
  float* bias = nullptr;
  if (args.failed || !InRange(args, x, rows * width, heapLength, "x") || !InRange(args, gain, width, heapLength, "gain") ||
      !OptionalBlock(args, 3, width, heapLength, heap, &bias, "bias") || !InRange(args, y, rows * width, heapLength, "y") ||
      !InRange(args, mean, rows, heapLength, "mean") || !InRange(args, rstd, rows, heapLength, "rstd")) {
    return nullptr;
  }
  forge::NormForward(shape, heap + x, heap + gain, bias, heap + y, heap + mean, heap + rstd, gThreads);
  return nullptr;
}

// normBackward(heap, x, gain, mean, rstd, dy, dx, dgain, dbias | -1, rows, width, layerNorm)
napi_value NormBackward(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 12, "normBackward")) return nullptr;
  const int64_t rows = Int(args, 9), width = Int(args, 10);
  const forge::NormShape shape{rows, width, Bool(args, 11), 0.0f};
  if (args.failed) return nullptr;
  if (rows < 0 || width < 1) return Throw(env, "normBackward: rows must be >= 0 and width >= 1"), nullptr;
  const int64_t lengths[8] = {rows * width, width, rows, rows, rows * width, rows * width, width};
  HeapBlocks blocks;
  if (!ReadBlocks(args, "normBackward", 7, lengths, blocks)) return nullptr;
  size_t heapLength = 0;
  TypedData<float>(args, 0, napi_float32_array, &heapLength, "heap");
  float* dbias = nullptr;
  if (!OptionalBlock(args, 8, width, heapLength, blocks.heap, &dbias, "dbias")) return nullptr;
  forge::NormBackward(shape, At(blocks, 0), At(blocks, 1), At(blocks, 2), At(blocks, 3), At(blocks, 4), At(blocks, 5), At(blocks, 6), dbias, gThreads);
  return nullptr;
}

// activation(heap, op, a, b | -1, out, n): op 0 gelu(a), 1 silu(a)·b
napi_value ActivationForward(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 6, "activation")) return nullptr;
  const int64_t op = Int(args, 1), n = Int(args, 5);
  if (args.failed) return nullptr;
  if (op < 0 || op > 1 || n < 0) return Throw(env, "activation: op must be 0 (gelu) or 1 (swiglu), n >= 0"), nullptr;
  size_t heapLength = 0;
  float* heap = TypedData<float>(args, 0, napi_float32_array, &heapLength, "heap");
  const int64_t a = Int(args, 2), out = Int(args, 4);
  float* b = nullptr;
  if (args.failed || !InRange(args, a, n, heapLength, "a") || !OptionalBlock(args, 3, n, heapLength, heap, &b, "b") ||
      !InRange(args, out, n, heapLength, "out")) {
    return nullptr;
  }
  if (op == 1 && b == nullptr) return Throw(env, "activation: swiglu needs b"), nullptr;
  forge::ActivationForward(static_cast<forge::Activation>(op), heap + a, b, heap + out, n, gThreads);
  return nullptr;
}

// activationGrad(heap, op, a, b | -1, dy, da, db | -1, n)
napi_value ActivationBackward(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 8, "activationGrad")) return nullptr;
  const int64_t op = Int(args, 1), n = Int(args, 7);
  if (args.failed) return nullptr;
  if (op < 0 || op > 1 || n < 0) return Throw(env, "activationGrad: op must be 0 (gelu) or 1 (swiglu), n >= 0"), nullptr;
  size_t heapLength = 0;
  float* heap = TypedData<float>(args, 0, napi_float32_array, &heapLength, "heap");
  const int64_t a = Int(args, 2), dy = Int(args, 4), da = Int(args, 5);
  float *b = nullptr, *db = nullptr;
  if (args.failed || !InRange(args, a, n, heapLength, "a") || !OptionalBlock(args, 3, n, heapLength, heap, &b, "b") ||
      !InRange(args, dy, n, heapLength, "dy") || !InRange(args, da, n, heapLength, "da") || !OptionalBlock(args, 6, n, heapLength, heap, &db, "db")) {
    return nullptr;
  }
  if (op == 1 && (b == nullptr || db == nullptr)) return Throw(env, "activationGrad: swiglu needs b and db"), nullptr;
  forge::ActivationBackward(static_cast<forge::Activation>(op), heap + a, b, heap + dy, heap + da, db, n, gThreads);
  return nullptr;
}

// rope(heap, x, cos, sin, out, rows, length, width, inverse): RoPE over rows of x, row r at table row r mod length
napi_value Rope(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 9, "rope")) return nullptr;
  const int64_t rows = Int(args, 5), length = Int(args, 6), width = Int(args, 7);
  const bool inverse = Bool(args, 8);
  if (args.failed) return nullptr;
  if (rows < 0 || length < 1 || width < 2 || width % 2 != 0)
    return Throw(env, "rope: rows must be >= 0, length >= 1 and width even and >= 2"), nullptr;
  const int64_t lengths[4] = {rows * width, length * width, length * width, rows * width};
  HeapBlocks blocks;
  if (!ReadBlocks(args, "rope", 4, lengths, blocks)) return nullptr;
  forge::Rope(At(blocks, 0), At(blocks, 1), At(blocks, 2), At(blocks, 3), rows, length, width, inverse, gThreads);
  return nullptr;
}

// softmax(heap, x, out, rows, cols): softmax over each row
napi_value Softmax(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 5, "softmax")) return nullptr;
  const int64_t rows = Int(args, 3), cols = Int(args, 4);
  const int64_t lengths[2] = {rows * cols, rows * cols};
  HeapBlocks blocks;
  if (args.failed) return nullptr;
  if (rows < 0 || cols < 1) return Throw(env, "softmax: rows must be >= 0 and cols >= 1"), nullptr;
  if (!ReadBlocks(args, "softmax", 2, lengths, blocks)) return nullptr;
  forge::RowSoftmax(At(blocks, 0), At(blocks, 1), rows, cols, gThreads);
  return nullptr;
}

// scaledSoftmax(heap, scores, mask | -1, out, rows, cols, maskRows, scale)
napi_value ScaledSoftmax(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 8, "scaledSoftmax")) return nullptr;
  const int64_t rows = Int(args, 4), cols = Int(args, 5), maskRows = Int(args, 6);
  const float scale = Float(args, 7);
  if (args.failed) return nullptr;
  if (rows < 0 || cols < 1 || maskRows < 1) return Throw(env, "scaledSoftmax: rows >= 0, cols >= 1 and maskRows >= 1"), nullptr;
  size_t heapLength = 0;
  float* heap = TypedData<float>(args, 0, napi_float32_array, &heapLength, "heap");
  const int64_t scores = Int(args, 1), out = Int(args, 3);
  float* mask = nullptr;
  if (args.failed || !InRange(args, scores, rows * cols, heapLength, "scores") || !OptionalBlock(args, 2, maskRows * cols, heapLength, heap, &mask, "mask") ||
      !InRange(args, out, rows * cols, heapLength, "out")) {
    return nullptr;
  }
  forge::ScaledSoftmax(heap + scores, mask, heap + out, rows, cols, maskRows, scale, gThreads);
  return nullptr;
}

// scaledSoftmaxGrad(heap, probs, dy, grad, rows, cols, scale)
napi_value ScaledSoftmaxGrad(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 7, "scaledSoftmaxGrad")) return nullptr;
  const int64_t rows = Int(args, 4), cols = Int(args, 5);
  const float scale = Float(args, 6);
  if (args.failed) return nullptr;
  if (rows < 0 || cols < 1) return Throw(env, "scaledSoftmaxGrad: rows >= 0 and cols >= 1"), nullptr;
  const int64_t lengths[3] = {rows * cols, rows * cols, rows * cols};
  HeapBlocks blocks;
  if (!ReadBlocks(args, "scaledSoftmaxGrad", 3, lengths, blocks)) return nullptr;
  forge::ScaledSoftmaxGrad(At(blocks, 0), At(blocks, 1), At(blocks, 2), rows, cols, scale, gThreads);
  return nullptr;
}

// transpose(heap, x, out, shape: Int32Array, perm: Int32Array)
napi_value Transpose(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 5, "transpose")) return nullptr;
  size_t rank = 0, permLength = 0, heapLength = 0;
  const int32_t* shape32 = TypedData<int32_t>(args, 3, napi_int32_array, &rank, "shape");
  const int32_t* perm32 = TypedData<int32_t>(args, 4, napi_int32_array, &permLength, "perm");
  float* heap = TypedData<float>(args, 0, napi_float32_array, &heapLength, "heap");
  const int64_t x = Int(args, 1), out = Int(args, 2);
  if (args.failed) return nullptr;
  if (rank < 1 || rank > 8 || permLength != rank) return Throw(env, "transpose: rank must be 1..8 and perm as long as shape"), nullptr;
  int64_t shape[8], perm[8], total = 1;
  bool seen[8] = {};
  for (size_t i = 0; i < rank; i++) {
    shape[i] = shape32[i];
    perm[i] = perm32[i];
    if (shape[i] < 0 || perm[i] < 0 || perm[i] >= static_cast<int64_t>(rank) || seen[perm[i]]) return Throw(env, "transpose: bad shape or perm"), nullptr;
    seen[perm[i]] = true;
    total *= shape[i];
  }
  if (!InRange(args, x, total, heapLength, "x") || !InRange(args, out, total, heapLength, "out")) return nullptr;
  forge::Transpose(heap + x, heap + out, shape, perm, static_cast<int>(rank), gThreads);
  return nullptr;
}

// unary(heap, op, x, out, n): op 0 tanh, 1 sigmoid, 2 exp
napi_value Unary(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 5, "unary")) return nullptr;
  const int64_t op = Int(args, 1), n = Int(args, 4);
  if (args.failed) return nullptr;
  if (op < 0 || op > 2) return Throw(env, "unary: op must be 0 (tanh), 1 (sigmoid) or 2 (exp)"), nullptr;
  size_t heapLength = 0;
  float* heap = TypedData<float>(args, 0, napi_float32_array, &heapLength, "heap");
  const int64_t x = Int(args, 2), out = Int(args, 3);
  if (args.failed || !InRange(args, x, n, heapLength, "x") || !InRange(args, out, n, heapLength, "out")) return nullptr;
  forge::Unary(static_cast<forge::UnaryOp>(op), heap + x, heap + out, n, gThreads);
  return nullptr;
}

// ternaryMatMul(heap, x, out, weights: Uint8Array, rows, k, n, scale, bits, rmsNorm, normEps): the packed
// weights stay in their own buffer (read in place, not copied onto the heap)
napi_value TernaryMatMul(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 11, "ternaryMatMul")) return nullptr;
  size_t weightLength = 0;
  const uint8_t* weights = TypedData<uint8_t>(args, 3, napi_uint8_array, &weightLength, "weights");
  const int64_t rows = Int(args, 4), k = Int(args, 5), n = Int(args, 6), bits = Int(args, 8);
  const bool rmsNorm = Bool(args, 9);
  double scale = 0, normEps = 0;
  if (!args.failed && (napi_get_value_double(env, args.values[7], &scale) != napi_ok || napi_get_value_double(env, args.values[10], &normEps) != napi_ok))
    return Throw(env, "expected a number"), nullptr;
  if (args.failed) return nullptr;
  if (rows < 0 || k < 1 || n < 1) return Throw(env, "ternaryMatMul: rows must be >= 0, k and n >= 1"), nullptr;
  if (bits < 2 || bits > 8) return Throw(env, "ternaryMatMul: bits must be 2..8 (int8 activations)"), nullptr;
  if (static_cast<int64_t>(weightLength) != n * forge::TernaryRowBytes(k)) return Throw(env, "ternaryMatMul: weights must hold n * ceil(k / 128) * 32 bytes"), nullptr;
  const int64_t lengths[2] = {rows * k, rows * n};
  HeapBlocks blocks;
  if (!ReadBlocks(args, "ternaryMatMul", 2, lengths, blocks)) return nullptr;
  const forge::TernaryShape shape{rows, k, n, static_cast<int>(bits), rmsNorm, normEps, scale};
  forge::TernaryMatMul(shape, At(blocks, 0), weights, At(blocks, 1), gThreads);
  return nullptr;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args args;
  if (!GetArgs(env, info, args, 1, "setThreads")) return nullptr;
  const int64_t threads = Int(args, 0);
  if (args.failed) return nullptr;
  if (threads < 1 || threads > 1024) return Throw(env, "setThreads: threads must be 1..1024"), nullptr;
  gThreads = static_cast<int>(threads);
  return nullptr;
}

napi_value String(napi_env env, const std::string& text) {
  napi_value value;
  napi_create_string_utf8(env, text.c_str(), text.size(), &value);
  return value;
}

// What the addon was built for: shown by `forge info`.
napi_value Info(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_object(env, &result);
  std::string isa = "baseline";
#if defined(__AVX512F__)
  isa = "avx512";
#elif defined(__AVX2__)
  isa = "avx2";
#elif defined(__AVX__)
  isa = "avx";
#elif defined(__ARM_NEON)
  isa = "neon";
#endif
  napi_set_named_property(env, result, "simd", String(env, isa));
  napi_set_named_property(env, result, "eigen", String(env, std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION)));
  napi_value threads, maxThreads;
  napi_create_int32(env, gThreads, &threads);
  napi_create_int32(env, static_cast<int32_t>(std::thread::hardware_concurrency()), &maxThreads);
  napi_set_named_property(env, result, "threads", threads);
  napi_set_named_property(env, result, "maxThreads", maxThreads);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
      {"batchMatMul", nullptr, BatchMatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamW", nullptr, AdamW, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"logSoftmaxPick", nullptr, LogSoftmaxPick, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"logSoftmaxPickGrad", nullptr, LogSoftmaxPickGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"normForward", nullptr, NormForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"normBackward", nullptr, NormBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activation", nullptr, ActivationForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activationGrad", nullptr, ActivationBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"rope", nullptr, Rope, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmax", nullptr, Softmax, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scaledSoftmax", nullptr, ScaledSoftmax, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scaledSoftmaxGrad", nullptr, ScaledSoftmaxGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"ternaryMatMul", nullptr, TernaryMatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"transpose", nullptr, Transpose, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
