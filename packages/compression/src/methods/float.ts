/** Plain float storage: `fp32` (lossless, the fallback every tensor has) and `fp16` (round to nearest even). */
import { decodeFloat16, encodeFloat16 } from '@agent-forge/core';
import { z } from 'zod';
import { requirePart, type Compressor } from '../compressor.js';

/** The settings of a compressor that has none: an empty object, extra keys refused. */
export const NoSettingsSchema = z.object({}).strict();
/** No settings. */
export type NoSettings = z.output<typeof NoSettingsSchema>;

/** `fp32`: the float32 values as is, 32 bits/weight; lossless, the fallback every tensor's ladder ends with. */
export const fp32Compressor: Compressor<NoSettings> = {
  name: 'fp32',
  displayName: 'float32',
  referenceUrl: 'https://en.wikipedia.org/wiki/IEEE_754',
  description: 'float32 as is (lossless)',
  settingsSchema: NoSettingsSchema,
  lossless: true,
  accepts: () => true,
  encode: (values, shape) => ({
    method: 'fp32',
    shape: [...shape],
    tensors: new Map([['values', { dtype: 'F32', shape: [values.length], data: values.slice() }]]),
    params: {},
  }),
  decode: (encoded) => requirePart(encoded, 'values', 'F32').slice(),
};

/** `fp16`: IEEE half precision (round to nearest even), 16 bits/weight; lossy. */
export const fp16Compressor: Compressor<NoSettings> = {
  name: 'fp16',
  displayName: 'float16',
  referenceUrl: 'https://en.wikipedia.org/wiki/IEEE_754',
  description: 'float16, round to nearest even',
  settingsSchema: NoSettingsSchema,
  lossless: false,
  accepts: () => true,
  encode: (values, shape) => ({
    method: 'fp16',
    shape: [...shape],
    tensors: new Map([['values', { dtype: 'F16', shape: [values.length], data: encodeFloat16(values) }]]),
    params: {},
  }),
  decode: (encoded) => decodeFloat16(requirePart(encoded, 'values', 'F16')),
};
