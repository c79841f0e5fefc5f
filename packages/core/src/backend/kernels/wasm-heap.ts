/**
 * Typed access to the few tfjs-backend-wasm internals our kernels need: tensor ids, heap offsets
 * and zero-copy views. These are internals of 4.22.0 (the pinned version), kept in this one file so
 * an upgrade has one place to re-check.
 */
import { tfWasm, type tf } from '../tf.js';

export type WasmBackend = tfWasm.BackendWasm;

/** The emscripten `cwrap` we call; tfjs types it through @types/emscripten, which we do not install. */
type CWrap = (name: string, returnType: null, argTypes: readonly string[]) => (...args: unknown[]) => void;

/** Narrows a kernel's untyped `backend` argument; a kernel registered for 'wasm' always gets one. */
export function asWasmBackend(backend: unknown): WasmBackend {
  if (!(backend instanceof tfWasm.BackendWasm)) {
    throw new Error('expected the tfjs wasm backend: this kernel is registered for wasm only');
  }
  return backend;
}

/** A wasm export wrapped as a JS function, e.g. the C++ `BatchMatMul`. */
export function wrapWasmFunction(
  backend: WasmBackend,
  name: string,
  argTypes: readonly string[],
): (...args: unknown[]) => void {
  const cwrap = (backend.wasm as unknown as { cwrap: CWrap }).cwrap;
  return cwrap(name, null, argTypes);
}

function tensorData(backend: WasmBackend, tensor: tf.TensorInfo): { id: number; memoryOffset: number } {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) throw new Error('tensor is not on the wasm backend');
  return data;
}

/** The id the C++ side knows a tensor by. */
export function wasmTensorId(backend: WasmBackend, tensor: tf.TensorInfo): number {
  return tensorData(backend, tensor).id;
}

/**
 * A float32 tensor of `shape` that aliases `base`'s heap memory from element `elementOffset`:
 * no copy, and it must be released with `releaseHeapView` (which does not free the memory).
 */
export function heapView(
  backend: WasmBackend,
  base: tf.TensorInfo,
  elementOffset: number,
  shape: number[],
): tf.TensorInfo {
  const offset = tensorData(backend, base).memoryOffset + 4 * elementOffset;
  return backend.makeOutput(shape, 'float32', offset);
}

/** Forgets a view without freeing the memory it aliases (`disposeData` would free it). */
export function releaseHeapView(backend: WasmBackend, view: tf.TensorInfo): void {
  backend.wasm.tfjs.disposeData(wasmTensorId(backend, view));
  backend.dataIdMap.delete(view.dataId);
}

/** The byte offset of a tensor's memory on the heap. */
export function heapByteOffset(backend: WasmBackend, tensor: tf.TensorInfo): number {
  return tensorData(backend, tensor).memoryOffset;
}

/** The heap's buffer now; take it after any allocation (growing the heap replaces it). */
export function heapBuffer(backend: WasmBackend): ArrayBufferLike {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;
}

/** The byte offset of a tensor on the heap, in float32 elements (heap allocations are 4-aligned). */
export function heapElementOffset(backend: WasmBackend, tensor: tf.TensorInfo): number {
  return tensorData(backend, tensor).memoryOffset / 4;
}

/**
 * The whole heap as float32. Take it after any allocation: growing the heap replaces the buffer
 * (a SharedArrayBuffer with wasm threads, an ArrayBuffer without).
 */
export function heapFloat32(backend: WasmBackend): Float32Array {
  const buffer = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;
  return new Float32Array(buffer, 0, buffer.byteLength >>> 2);
}

/** Shapes go to the C++ kernels as the bytes of an Int32Array. */
export function shapeBytes(shape: readonly number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}
