/**
 * The packed ternary matmul in JavaScript, on any Float32Array in place (the wasm heap, the cpu backend's
 * arrays): the kernel that runs when the native addon is absent (`FORGE_NATIVE_KERNELS=0`) and the
 * reference the native one is tested against. Same arithmetic as the native kernel: int levels per token
 * (activation-quant.ts), exact integer dot products against the codes, one float scale at the end.
 */
import { quantizeRow } from './activation-quant.js';
import { KERNEL_BLOCK, kernelRowBytes, type KernelTernaryMatrix } from './kernel-layout.js';
import type { BitNetSettings } from './settings.js';

/** BitLinear's activation settings the kernel needs. */
export type KernelActivationSettings = Pick<BitNetSettings, 'inputNorm' | 'normEps' | 'activationBits'>;

interface QuantizedRows {
  /** Levels, each token padded with zeros to whole blocks (`stride` values a token). */
  readonly levels: Int32Array;
  readonly stride: number;
  readonly scale: Float64Array;
  readonly sum: Float64Array;
}

function quantizeRows(
  x: Float32Array,
  xOffset: number,
  rows: number,
  inFeatures: number,
  settings: KernelActivationSettings,
): QuantizedRows {
  const stride = Math.ceil(inFeatures / KERNEL_BLOCK) * KERNEL_BLOCK;
  const levels = new Int32Array(rows * stride);
  const scale = new Float64Array(rows);
  const sum = new Float64Array(rows);
  const row = new Int32Array(inFeatures);
  for (let r = 0; r < rows; r++) {
    scale[r] = quantizeRow(x, r, inFeatures, settings, row, xOffset);
    levels.set(row, r * stride);
    sum[r] = row.reduce((total, level) => total + level, 0);
  }
  return { levels, stride, scale, sum };
}

/** Σ code · level over one output's packed row and one token (codes are value + 1). */
function codeDot(weights: Uint8Array, base: number, rowBytes: number, levels: Int32Array, start: number): number {
  let dot = 0;
  for (let b = 0; b < rowBytes; b++) {
    const byte = weights[base + b] as number;
    const at = start + (b >> 5) * KERNEL_BLOCK + (b & 31);
    dot +=
      (byte & 3) * (levels[at] as number) +
      ((byte >> 2) & 3) * (levels[at + 32] as number) +
      ((byte >> 4) & 3) * (levels[at + 64] as number) +
      (byte >> 6) * (levels[at + 96] as number);
  }
  return dot;
}

/**
 * `out[outOffset + r·n + j] = Q(x_r) · W_q[:, j] · γ` for `rows` tokens of `inFeatures` values at
 * `xOffset` of `x`; `out` may be the same array as `x` (non-overlapping ranges).
 */
export function ternaryMatMulJs(
  matrix: KernelTernaryMatrix,
  x: Float32Array,
  xOffset: number,
  rows: number,
  out: Float32Array,
  outOffset: number,
  settings: KernelActivationSettings,
): void {
  const { inFeatures, outFeatures, scale } = matrix;
  const rowBytes = kernelRowBytes(inFeatures);
  const quantized = quantizeRows(x, xOffset, rows, inFeatures, settings);
  for (let j = 0; j < outFeatures; j++) {
    for (let r = 0; r < rows; r++) {
      const dot = codeDot(matrix.rows, j * rowBytes, rowBytes, quantized.levels, r * quantized.stride);
      out[outOffset + r * outFeatures + j] =
        (dot - (quantized.sum[r] as number)) * (scale / (quantized.scale[r] as number));
    }
  }
}
