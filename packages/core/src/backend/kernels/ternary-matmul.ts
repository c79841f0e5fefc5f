/**
 * `ForgeTernaryMatMul`: BitNet b1.58's packed ternary product as a backend kernel, so the packed model's
 * activations never leave the backend. On wasm it reads and writes the heap in place: the native addon's
 * int8 kernel when it is active, else the JavaScript one (ternary/kernel-js.ts) on the same heap; on cpu
 * the JavaScript one on the backend's own arrays. The packed weights stay in their JS buffer (off the
 * wasm heap, read in place by both). Inference only: the kernel has no gradient.
 */
import type { KernelActivationSettings } from '../../ternary/kernel-js.js';
import { ternaryMatMulJs } from '../../ternary/kernel-js.js';
import type { KernelTernaryMatrix } from '../../ternary/kernel-layout.js';
import { tf } from '../tf.js';
import { nativeAddon, registerWasmKernel } from './native-addon.js';
import { asWasmBackend, heapElementOffset, heapFloat32 } from './wasm-heap.js';

/** The kernel's name; inputs `{ x }` (float32 `[rows, inFeatures]`), attrs {@link TernaryMatMulAttrs}. */
export const TERNARY_MATMUL_KERNEL = 'ForgeTernaryMatMul';

/** What the kernel is called with besides x: the packed matrix (by reference) and the activation settings. */
export interface TernaryMatMulAttrs {
  /** The weight in the kernel layout. */
  readonly matrix: KernelTernaryMatrix;
  /** BitLinear's activation norm and bits. */
  readonly settings: KernelActivationSettings;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

function parse(args: KernelArgs): TernaryMatMulAttrs & { x: tf.TensorInfo; rows: number } {
  const x = args.inputs['x'];
  const attrs = args.attrs as unknown as Partial<TernaryMatMulAttrs> | undefined;
  const matrix = attrs?.matrix;
  const settings = attrs?.settings;
  if (x === undefined || matrix === undefined || settings === undefined)
    throw new Error(`${TERNARY_MATMUL_KERNEL}: input x and attrs matrix, settings are required`);
  if (x.dtype !== 'float32' || x.shape.length !== 2 || x.shape[1] !== matrix.inFeatures)
    throw new Error(
      `${TERNARY_MATMUL_KERNEL}: x must be float32 [rows, ${matrix.inFeatures}], got [${x.shape.join(', ')}]`,
    );
  return { x, matrix, settings, rows: x.shape[0] as number };
}

/** wasm without the addon: the JavaScript kernel on the heap, in place. */
function wasmTernaryMatMul(args: KernelArgs): tf.TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { x, matrix, settings, rows } = parse(args);
  const out = backend.makeOutput([rows, matrix.outFeatures], 'float32');
  const heap = heapFloat32(backend);
  ternaryMatMulJs(matrix, heap, heapElementOffset(backend, x), rows, heap, heapElementOffset(backend, out), settings);
  return out;
}

/** wasm with the addon: the native int8 kernel on the heap (int8 levels, so up to 8 activation bits). */
function nativeTernaryMatMul(args: KernelArgs): tf.TensorInfo {
  const { x, matrix, settings, rows } = parse(args);
  if (settings.activationBits > 8) return wasmTernaryMatMul(args);
  const backend = asWasmBackend(args.backend);
  const out = backend.makeOutput([rows, matrix.outFeatures], 'float32');
  if (rows > 0) {
    nativeAddon().ternaryMatMul(
      heapFloat32(backend),
      heapElementOffset(backend, x),
      heapElementOffset(backend, out),
      matrix.rows,
      rows,
      matrix.inFeatures,
      matrix.outFeatures,
      matrix.scale,
      settings.activationBits,
      settings.inputNorm === 'rms',
      settings.normEps,
    );
  }
  return out;
}

/** The cpu backend's kernel surface we use: its arrays are read in place (readSync returns the backing array). */
interface CpuBackendLike {
  readSync(dataId: tf.DataId): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

function cpuTernaryMatMul(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as unknown as CpuBackendLike;
  const { x, matrix, settings, rows } = parse(args);
  const values = backend.readSync(x.dataId) as Float32Array;
  const out = new Float32Array(rows * matrix.outFeatures);
  ternaryMatMulJs(matrix, values, 0, rows, out, 0, settings);
  return backend.makeTensorInfo([rows, matrix.outFeatures], 'float32', out);
}

/** Registers the JavaScript kernel for wasm (the fallback; the native one replaces it when active). */
export function registerWasmTernaryMatMul(): void {
  registerWasmKernel(TERNARY_MATMUL_KERNEL, wasmTernaryMatMul);
}

/** Registers the native kernel for wasm. Call after `setNativeAddon`. */
export function registerNativeTernaryMatMul(): void {
  registerWasmKernel(TERNARY_MATMUL_KERNEL, nativeTernaryMatMul);
}

/** Registers the JavaScript kernel for the cpu backend. */
export function registerCpuTernaryMatMul(): void {
  if (tf.getKernel(TERNARY_MATMUL_KERNEL, 'cpu') !== undefined) return;
  tf.registerKernel({ kernelName: TERNARY_MATMUL_KERNEL, backendName: 'cpu', kernelFunc: cpuTernaryMatMul });
}
