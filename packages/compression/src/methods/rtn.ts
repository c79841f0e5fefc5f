/**
 * Round-to-nearest integer quantization per group of consecutive weights: symmetric, the group's
 * absmax maps to 2^(b−1) − 1, one fp16 scale per group. The baseline every paper method is compared
 * against at equal bits (int8 for small float tensors, int4/int3 as the RTN reference).
 */
import { decodeFloat16, encodeFloat16 } from '@agent-forge/core';
import { z } from 'zod';
import { packBits, toSigned, toUnsigned, unpackBits } from '../bit-packing.js';
import { numberParam, requirePart, sizeOf, type Compressor } from '../compressor.js';

/** Settings of `rtn`; bits/weight = bits + 16/groupSize (default int8 in groups of 64: 8.25). */
export const RtnSettingsSchema = z
  .object({
    /** Bits per integer code (signed). */
    bits: z.number().int().min(2).max(8).default(8),
    /** Consecutive weights sharing one fp16 scale. */
    groupSize: z.number().int().positive().default(64),
  })
  .strict();
/** Parsed `rtn` settings. */
export type RtnSettings = z.output<typeof RtnSettingsSchema>;

function groupScales(values: Float32Array, groupSize: number, maxCode: number): Uint16Array {
  const scales = new Float32Array(Math.ceil(values.length / groupSize));
  for (let g = 0; g < scales.length; g++) {
    let absMax = 0;
    for (let i = g * groupSize; i < Math.min(values.length, (g + 1) * groupSize); i++)
      absMax = Math.max(absMax, Math.abs(values[i] as number));
    scales[g] = absMax / maxCode;
  }
  return encodeFloat16(scales);
}

/** `rtn`: symmetric round-to-nearest signed b-bit codes per group with one fp16 scale; the baseline for the paper methods. */
export const rtnCompressor: Compressor<RtnSettings> = {
  name: 'rtn',
  displayName: 'Round-to-nearest (RTN)',
  referenceUrl: 'https://arxiv.org/abs/2210.17323',
  description: 'round-to-nearest signed integers per group with an fp16 scale',
  settingsSchema: RtnSettingsSchema,
  lossless: false,
  accepts: () => true,
  encode(values, shape, settings) {
    const maxCode = 2 ** (settings.bits - 1) - 1;
    const scaleBits = groupScales(values, settings.groupSize, maxCode);
    // Codes use the stored (fp16-rounded) scale, so decoding reproduces what encoding measured.
    const scales = decodeFloat16(scaleBits);
    const codes = new Uint32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const scale = scales[Math.floor(i / settings.groupSize)] as number;
      const q = scale > 0 ? Math.max(-maxCode, Math.min(maxCode, Math.round((values[i] as number) / scale))) : 0;
      codes[i] = toUnsigned(q, settings.bits);
    }
    return {
      method: 'rtn',
      shape: [...shape],
      tensors: new Map([
        [
          'codes',
          {
            dtype: 'U8',
            shape: [Math.ceil((values.length * settings.bits) / 8)],
            data: packBits(codes, settings.bits),
          },
        ],
        ['scales', { dtype: 'F16', shape: [scaleBits.length], data: scaleBits }],
      ]),
      params: { bits: settings.bits, groupSize: settings.groupSize },
    };
  },
  decode(encoded) {
    const bits = numberParam(encoded, 'bits');
    const groupSize = numberParam(encoded, 'groupSize');
    const count = sizeOf(encoded.shape);
    const codes = unpackBits(requirePart(encoded, 'codes', 'U8'), bits, count);
    const scales = decodeFloat16(requirePart(encoded, 'scales', 'F16'));
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++)
      out[i] = toSigned(codes[i] as number, bits) * (scales[Math.floor(i / groupSize)] as number);
    return out;
  },
};
