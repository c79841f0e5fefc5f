/**
 * `Slice`, `SplitV` and `GatherV2` for the wasm backend, copying straight between heap blocks in runs.
 *
 * Why: tfjs-backend-wasm 4.22's Slice first reads the whole input out of the heap (`readSync` copies
 * it), then copies the slice, and SplitV does that once per piece: splitting a [256, 1536] product in
 * three copied 4.5 MB to keep 1.5 MB. Its Gather computes every output element's index in C++ one by
 * one: the `paper` token-embedding lookup (256 rows of a [8192, 512] table) took 3.7 ms, against
 * 0.07 ms for an elementwise op on the same output (loaded machine). Here each row or run is one copy.
 */
import { tf } from '../tf.js';
import { asWasmBackend, heapBuffer, heapByteOffset, type WasmBackend } from './wasm-heap.js';

type HeapArray = Float32Array | Int32Array | Uint8Array;

/** The whole heap as an array of `dtype`'s element type; undefined for dtypes copied by tfjs's own kernels. */
function heapArray(backend: WasmBackend, dtype: tf.DataType): HeapArray | undefined {
  const buffer = heapBuffer(backend);
  if (dtype === 'float32') return new Float32Array(buffer, 0, buffer.byteLength >>> 2);
  if (dtype === 'int32') return new Int32Array(buffer, 0, buffer.byteLength >>> 2);
  if (dtype === 'bool') return new Uint8Array(buffer);
  return undefined;
}

/** Heap offset of a tensor, in elements of `heap`. */
function elementOffset(backend: WasmBackend, tensor: tf.TensorInfo, heap: HeapArray): number {
  return heapByteOffset(backend, tensor) / heap.BYTES_PER_ELEMENT;
}

/**
 * Copies the box `begin`/`size` of a row-major array of `shape` at `from` to `to`, in runs as long as
 * the box allows: the trailing axes it takes whole merge with the last one it cuts.
 */
function copyBox(
  heap: HeapArray,
  from: number,
  to: number,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
): void {
  if (shape.length === 0) {
    heap.copyWithin(to, from, from + 1);
    return;
  }
  const strides = tf.util.computeStrides(shape as number[]);
  let cut = shape.length - 1;
  while (cut > 0 && size[cut] === shape[cut]) cut--;
  const stride = (axis: number): number => (axis === shape.length - 1 ? 1 : (strides[axis] as number));
  const run = (size[cut] as number) * stride(cut);
  const outer = size.slice(0, cut);
  const count = tf.util.sizeFromShape(outer);
  const index = new Array<number>(cut).fill(0);
  for (let n = 0, out = to; n < count; n++, out += run) {
    let at = from + (begin[cut] as number) * stride(cut);
    for (let axis = 0; axis < cut; axis++) at += ((begin[axis] as number) + (index[axis] as number)) * stride(axis);
    heap.copyWithin(out, at, at + run);
    for (let axis = cut - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (outer[axis] as number)) break;
      index[axis] = 0;
    }
  }
}

/** One slice of `x` as a new tensor; undefined for a dtype tfjs's own kernel must copy (string, complex64). */
function sliceOnHeap(
  backend: WasmBackend,
  x: tf.TensorInfo,
  begin: readonly number[],
  size: number[],
): tf.TensorInfo | undefined {
  if (heapArray(backend, x.dtype) === undefined) return undefined;
  const out = backend.makeOutput(size, x.dtype);
  if (tf.util.sizeFromShape(size) === 0) return out;
  // After makeOutput: allocating may grow the heap, which replaces its buffer.
  const heap = heapArray(backend, x.dtype) as HeapArray;
  copyBox(heap, elementOffset(backend, x, heap), elementOffset(backend, out, heap), x.shape, begin, size);
  return out;
}

const stockKernels = new Map<string, tf.KernelConfig>();

function runStock(name: string, args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
  const stock = stockKernels.get(name);
  if (stock === undefined) throw new Error(`${name}: the wasm kernel is missing`);
  return stock.kernelFunc(args);
}

function heapSlice(args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
  const x = args.inputs['x'];
  if (x === undefined) throw new Error('Slice: input x is required');
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as tf.Tensor,
    args.attrs?.['begin'] as number[],
    args.attrs?.['size'] as number[],
  );
  return sliceOnHeap(asWasmBackend(args.backend), x, begin, size) ?? runStock(tf.Slice, args);
}

function heapSplitV(args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
  const x = args.inputs['x'];
  if (x === undefined) throw new Error('SplitV: input x is required');
  const backend = asWasmBackend(args.backend);
  if (heapArray(backend, x.dtype) === undefined) return runStock(tf.SplitV, args);
  const axis = tf.util.parseAxisParam(args.attrs?.['axis'] as number, x.shape)[0] as number;
  const sizes = tf.backend_util.prepareSplitSize(
    x as tf.Tensor,
    args.attrs?.['numOrSizeSplits'] as number[] | number,
    axis,
  );
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((piece) => {
    const size = [...x.shape];
    size[axis] = piece;
    const out = sliceOnHeap(backend, x, begin, size) as tf.TensorInfo;
    begin[axis] = (begin[axis] as number) + piece;
    return out;
  });
}

function replaceStock(name: string, kernelFunc: tf.KernelFunc): void {
  const current = tf.getKernel(name, 'wasm');
  if (current?.kernelFunc === kernelFunc) return;
  if (current !== undefined) {
    stockKernels.set(name, current);
    tf.unregisterKernel(name, 'wasm');
  }
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
}

/** Indices of a gather as int32 heap elements, checked against the gathered axis as tfjs checks them. */
function checkedIndices(backend: WasmBackend, indices: tf.TensorInfo, axisSize: number): Int32Array {
  const heap = heapArray(backend, 'int32') as Int32Array;
  const start = elementOffset(backend, indices, heap);
  const values = heap.subarray(start, start + tf.util.sizeFromShape(indices.shape));
  for (const index of values) {
    if (index < 0 || index > axisSize - 1)
      throw new Error(`GatherV2: the index value ${index} is not in [0, ${axisSize - 1}]`);
  }
  return values;
}

/** Rows of `x` along `axis` picked by int32 `indices` (batchDims 0): one copy per picked row and outer index. */
function heapGather(args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
  const { x, indices } = args.inputs;
  if (x === undefined || indices === undefined) throw new Error('GatherV2: inputs x and indices are required');
  const backend = asWasmBackend(args.backend);
  const batchDims = (args.attrs?.['batchDims'] as number | undefined) ?? 0;
  if (batchDims !== 0 || indices.dtype !== 'int32' || heapArray(backend, x.dtype) === undefined)
    return runStock(tf.GatherV2, args);
  const axis = tf.util.parseAxisParam(args.attrs?.['axis'] as number, x.shape)[0] as number;
  const axisSize = x.shape[axis] as number;
  const count = checkedIndices(backend, indices, axisSize).length;
  const [before, after] = [x.shape.slice(0, axis), x.shape.slice(axis + 1)];
  const out = backend.makeOutput([...before, ...indices.shape, ...after], x.dtype);
  if (tf.util.sizeFromShape(out.shape) === 0) return out;
  // After makeOutput: allocating may grow the heap, which replaces its buffer.
  const picks = checkedIndices(backend, indices, axisSize);
  const heap = heapArray(backend, x.dtype) as HeapArray;
  const [from, to] = [elementOffset(backend, x, heap), elementOffset(backend, out, heap)];
  const [outer, row] = [tf.util.sizeFromShape(before), tf.util.sizeFromShape(after)];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const at = from + (o * axisSize + (picks[j] as number)) * row;
      heap.copyWithin(to + (o * count + j) * row, at, at + row);
    }
  }
  return out;
}

/**
 * Makes the in-place Slice, SplitV and GatherV2 the wasm backend's; tfjs's stay for string and complex
 * tensors (and a gather with batch dimensions). Idempotent.
 */
export function registerWasmHeapCopies(): void {
  replaceStock(tf.Slice, heapSlice);
  replaceStock(tf.SplitV, heapSplitV);
  replaceStock(tf.GatherV2, heapGather);
}
