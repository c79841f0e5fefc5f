/**
 * Exact storage of ternary tensors W_q·γ (values in {−γ, 0, +γ}, as BitNet layers decode to):
 * `ternary-2bit` is BitNet's own 2-bit packing (4 values a byte), `ternary-base3` packs 5 trits into
 * one byte as a base-3 number (3^5 = 243 ≤ 256), 1.6 bits/weight, still lossless.
 */
import { ForgeError, packTernary, unpackTernary } from '@agent-forge/core';
import { numberParam, requirePart, sizeOf, type Compressor } from '../compressor.js';
import { NoSettingsSchema, type NoSettings } from './float.js';

const TRITS_PER_BYTE = 5;

/** γ and the ternary codes of `values`, or undefined when the values are not {−γ, 0, +γ}. */
export function ternaryCodes(values: Float32Array):
  | {
      /** The common magnitude γ of the non-zero values; 0 when every value is 0. */
      gamma: number;
      /** One code per value: −1, 0 or +1 (the value is code · γ). */
      codes: Int8Array;
    }
  | undefined {
  let gamma = 0;
  for (const value of values) {
    if (value === 0) continue;
    const magnitude = Math.abs(value);
    if (gamma === 0) gamma = magnitude;
    else if (magnitude !== gamma) return undefined;
  }
  const codes = new Int8Array(values.length);
  if (gamma > 0) for (let i = 0; i < values.length; i++) codes[i] = Math.sign(values[i] as number);
  return { gamma, codes };
}

function requireTernary(values: Float32Array, method: string): { gamma: number; codes: Int8Array } {
  const ternary = ternaryCodes(values);
  if (ternary === undefined) throw new ForgeError(`${method} needs ternary values {−γ, 0, +γ}`, { field: 'values' });
  return ternary;
}

function scaled(codes: ArrayLike<number>, gamma: number): Float32Array {
  const out = new Float32Array(codes.length);
  // Math.fround(±1 · γ) is exact, so this equals bitnet's tf.mul(W_q, γ) bit for bit.
  for (let i = 0; i < codes.length; i++) out[i] = (codes[i] as number) * gamma;
  return out;
}

/** `ternary-2bit`: BitNet's 2-bit packing (4 values per byte) plus γ; 2 bits/weight, lossless, ternary tensors only. */
export const ternary2bitCompressor: Compressor<NoSettings> = {
  name: 'ternary-2bit',
  displayName: 'Ternary, 2-bit packing (BitNet b1.58)',
  referenceUrl: 'https://arxiv.org/abs/2402.17764',
  description: "BitNet's 2-bit ternary packing (lossless for W_q·γ)",
  settingsSchema: NoSettingsSchema,
  lossless: true,
  accepts: (values) => ternaryCodes(values) !== undefined,
  encode(values, shape) {
    const { gamma, codes } = requireTernary(values, 'ternary-2bit');
    const packed = packTernary(codes);
    return {
      method: 'ternary-2bit',
      shape: [...shape],
      tensors: new Map([['packed', { dtype: 'U8', shape: [packed.length], data: packed }]]),
      params: { gamma },
    };
  },
  decode: (encoded) =>
    scaled(unpackTernary(requirePart(encoded, 'packed', 'U8'), sizeOf(encoded.shape)), numberParam(encoded, 'gamma')),
};

/** Packs codes in {−1, 0, +1} five per byte as base-3 digits code + 1 (first code least significant), ⌈n/5⌉ bytes; a short last byte is padded with code 0. */
export function packBase3(codes: Int8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(codes.length / TRITS_PER_BYTE));
  for (let byte = 0; byte < out.length; byte++) {
    let value = 0;
    for (let k = TRITS_PER_BYTE - 1; k >= 0; k--) value = value * 3 + ((codes[byte * TRITS_PER_BYTE + k] ?? 0) + 1);
    out[byte] = value;
  }
  return out;
}

/** Inverse of {@link packBase3}: the first `count` codes; a wrong length or a byte ≥ 243 is a ForgeError. */
export function unpackBase3(bytes: Uint8Array, count: number): Int8Array {
  if (bytes.length !== Math.ceil(count / TRITS_PER_BYTE))
    throw new ForgeError(
      `base-3 buffer has ${bytes.length} bytes, ${count} trits need ${Math.ceil(count / TRITS_PER_BYTE)}`,
      { field: 'packed' },
    );
  const codes = new Int8Array(count);
  for (let byte = 0; byte < bytes.length; byte++) {
    let value = bytes[byte] as number;
    if (value >= 243) throw new ForgeError(`invalid base-3 byte ${value} at ${byte}`, { field: 'packed' });
    for (let k = 0; k < TRITS_PER_BYTE; k++) {
      const index = byte * TRITS_PER_BYTE + k;
      if (index < count) codes[index] = (value % 3) - 1;
      value = Math.floor(value / 3);
    }
  }
  return codes;
}

/** `ternary-base3`: 5 trits per byte plus γ, 1.6 bits/weight, lossless; 20% smaller than `ternary-2bit`. */
export const ternaryBase3Compressor: Compressor<NoSettings> = {
  name: 'ternary-base3',
  displayName: 'Ternary, base-3 packing',
  referenceUrl: 'https://arxiv.org/abs/2402.17764',
  description: 'ternary values packed 5 per byte in base 3, 1.6 bits/weight (lossless for W_q·γ)',
  settingsSchema: NoSettingsSchema,
  lossless: true,
  accepts: (values) => ternaryCodes(values) !== undefined,
  encode(values, shape) {
    const { gamma, codes } = requireTernary(values, 'ternary-base3');
    const packed = packBase3(codes);
    return {
      method: 'ternary-base3',
      shape: [...shape],
      tensors: new Map([['packed', { dtype: 'U8', shape: [packed.length], data: packed }]]),
      params: { gamma },
    };
  },
  decode: (encoded) =>
    scaled(unpackBase3(requirePart(encoded, 'packed', 'U8'), sizeOf(encoded.shape)), numberParam(encoded, 'gamma')),
};
