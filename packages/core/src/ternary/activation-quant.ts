/**
 * BitLinear's activation path on plain arrays: the optional parameter-free RMSNorm, then per-token absmax
 * quantization to signed integers. It mirrors `quantizeInput` in float32 steps (Math.fround) and rounds
 * half to even as tf.round does, so the integer levels are those the float path divides by; the packed
 * kernels (the native one too) quantize the same way.
 */
import type { BitNetSettings } from './settings.js';
import { QUANT_EPS } from './quantizers.js';

/** Round half to even, as tf.round. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Quantizes row `row` of `x` (`inFeatures` values from `offset + row · inFeatures`) into `levels` and
 * returns the row's scale s: the layer's true input is levels / s.
 */
export function quantizeRow(
  x: Float32Array,
  row: number,
  inFeatures: number,
  settings: Pick<BitNetSettings, 'inputNorm' | 'normEps' | 'activationBits'>,
  levels: Int32Array,
  offset = 0,
): number {
  const start = offset + row * inFeatures;
  let norm = 1;
  if (settings.inputNorm === 'rms') {
    let squares = 0;
    for (let i = 0; i < inFeatures; i++) squares += (x[start + i] as number) ** 2;
    norm = Math.fround(1 / Math.sqrt(Math.fround(Math.fround(squares / inFeatures) + settings.normEps)));
  }
  let largest = 0;
  for (let i = 0; i < inFeatures; i++)
    largest = Math.max(largest, Math.abs(Math.fround((x[start + i] as number) * norm)));
  const positiveLimit = 2 ** (settings.activationBits - 1) - 1;
  const scale = Math.fround(positiveLimit / Math.max(largest, QUANT_EPS));
  for (let i = 0; i < inFeatures; i++) {
    const scaled = Math.fround(Math.fround((x[start + i] as number) * norm) * scale);
    levels[i] = Math.min(positiveLimit, Math.max(-positiveLimit - 1, roundHalfEven(scaled)));
  }
  return scale;
}
