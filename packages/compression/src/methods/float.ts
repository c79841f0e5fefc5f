/** Plain float storage: `fp32` (lossless, the fallback every tensor has) and `fp16` (round to nearest even). */
import { decodeFloat16, encodeFloat16 } from '@agent-forge/core';
import { z } from 'zod';
import { requirePart, type Compressor } from '../compressor.js';

const NoSettings = z.object({}).strict();

export const fp32Compressor: Compressor<z.output<typeof NoSettings>> = {
  name: 'fp32',
  description: 'float32 as is (lossless)',
  settingsSchema: NoSettings,
  lossless: true,
  accepts: () => true,
  encode: (values, shape) => ({ method: 'fp32', shape: [...shape], tensors: new Map([['values', { dtype: 'F32', shape: [values.length], data: values.slice() }]]), params: {} }),
  decode: (encoded) => requirePart(encoded, 'values', 'F32').slice(),
};

export const fp16Compressor: Compressor<z.output<typeof NoSettings>> = {
  name: 'fp16',
  description: 'float16, round to nearest even',
  settingsSchema: NoSettings,
  lossless: false,
  accepts: () => true,
  encode: (values, shape) => ({ method: 'fp16', shape: [...shape], tensors: new Map([['values', { dtype: 'F16', shape: [values.length], data: encodeFloat16(values) }]]), params: {} }),
  decode: (encoded) => decodeFloat16(requirePart(encoded, 'values', 'F16')),
};
