import { z } from 'zod';
import { tensorwiseMethod } from '../method.js';

/** |a − b| is clamped to at least this before dividing (mergekit's value). */
const MIN_DIFFERENCE = 1e-6;

/**
 * NearSwap (mergekit `nearswap`): per entry, take the other model where it is close to the base and
 * keep the base where they differ: w = clamp(t / max(|base − other|, 1e-6), 0, 1), θ = w·other +
 * (1 − w)·base. Entries closer than `t` are swapped in whole.
 */
export const nearswap = tensorwiseMethod({
  name: 'nearswap',
  displayName: 'NearSwap',
  referenceUrl: 'https://huggingface.co/alchemonaut/QuartetAnemoi-70B-t0.0001',
  summary: 'take the other model’s entries where they lie within t of the base',
  reference: 'alchemonaut, https://huggingface.co/alchemonaut/QuartetAnemoi-70B-t0.0001 (mergekit nearswap)',
  baseModel: 'required',
  models: { min: 1, max: 1 },
  globalParameters: z.object({ t: z.number().min(0, 't is a distance threshold and must be ≥ 0') }),
  modelParameters: z.object({}),
  merge({ base, models, params }) {
    const a = base as Float32Array;
    const b = (models[0] as (typeof models)[number]).values;
    return Float32Array.from(a, (av, i) => {
      const bv = b[i] as number;
      const weight = Math.min(1, Math.max(0, params.t / Math.max(Math.abs(av - bv), MIN_DIFFERENCE)));
      return weight * bv + (1 - weight) * av;
    });
  },
});
