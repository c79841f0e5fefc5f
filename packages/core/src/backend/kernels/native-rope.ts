/**
 * RoPE for wasm (`ForgeRope`): x·cos + rotate_half(x)·sin, and with `inverse` its gradient map, as one
 * native pass (see native-kernels/csrc/rope.cc) instead of a product with the rotate-half matrix, two
 * products with the tables and a sum, forward and backward, for the queries and keys of every block.
 */
import { tf } from '../tf.js';
import { FUSED_KERNELS, nativeAddon, registerWasmKernel } from './native-addon.js';
import { asWasmBackend, heapElementOffset, heapFloat32 } from './wasm-heap.js';

function nativeRope({ inputs, backend: untypedBackend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const backend = asWasmBackend(untypedBackend);
  const { x, cos, sin } = inputs;
  const kernel = FUSED_KERNELS.rope;
  if (x === undefined || cos === undefined || sin === undefined)
    throw new Error(`${kernel}: inputs x, cos and sin are required`);
  const offset = attrs?.['offset'];
  const inverse = attrs?.['inverse'] === true;
  const [tableRows, width] = cos.shape as [number, number];
  const [length, xWidth] = x.shape.slice(-2) as [number, number];
  if (
    [x, cos, sin].some((t) => t.dtype !== 'float32') ||
    cos.shape.length !== 2 ||
    sin.shape.join() !== cos.shape.join()
  )
    throw new Error(`${kernel}: x, cos and sin must be float32, cos and sin of one [L, W] shape`);
  if (xWidth !== width || typeof offset !== 'number' || offset < 0 || offset + length > tableRows)
    throw new Error(
      `${kernel}: x [..., T, ${xWidth}] must match the tables' width ${width} and offset + T ≤ ${tableRows}`,
    );
  const out = backend.makeOutput(x.shape, 'float32');
  const rows = tf.util.sizeFromShape(x.shape) / width;
  if (rows > 0) {
    const skip = offset * width;
    nativeAddon().rope(
      heapFloat32(backend),
      heapElementOffset(backend, x),
      heapElementOffset(backend, cos) + skip,
      heapElementOffset(backend, sin) + skip,
      heapElementOffset(backend, out),
      rows,
      length,
      width,
      inverse,
    );
  }
  return out;
}

/** Registers `ForgeRope` for wasm. Call after `setNativeAddon`. */
export function registerNativeRope(): void {
  registerWasmKernel(FUSED_KERNELS.rope, nativeRope);
}
