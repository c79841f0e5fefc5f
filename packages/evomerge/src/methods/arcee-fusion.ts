import { z } from 'zod';
import { valueAtRank } from '../kernels/rank-select.js';
import { tensorwiseMethod } from '../method.js';

/** Added to both softmax distributions before the KL divergence (mergekit's value). */
const KL_EPSILON = 1e-8;

/**
 * Arcee Fusion (mergekit `arcee_fusion`): take the other model's change only where it matters. Per
 * entry, importance = |θ − θ_base| · KL(softmax(θ_row) ‖ softmax(θ_base_row)), rows being the last
 * axis of the stored layout; the change is kept where importance ≥ median + 1.5·(Q3 − Q1) of the
 * tensor's importances (quantile q = the sorted value at index ⌊q·(n − 1)⌋), else the base is kept.
 * Quantiles are exact here; mergekit estimates them from a random sample of 10⁶ entries for larger tensors.
 */
export const arceeFusion = tensorwiseMethod({
  name: 'arcee_fusion',
  displayName: 'Arcee Fusion',
  referenceUrl: 'https://arcee.ai',
  summary: 'keep the other model’s changes whose importance (|Δ| × row KL) is an upper outlier',
  reference: 'Arcee AI, mergekit arcee_fusion (https://arcee.ai)',
  baseModel: 'required',
  models: { min: 1, max: 1 },
  globalParameters: z.object({}),
  modelParameters: z.object({}),
  merge({ base, models, shape }) {
    const baseValues = base as Float32Array;
    const tuned = (models[0] as (typeof models)[number]).values;
    const importance = fusionImportance(
      tuned,
      baseValues,
      shape.length === 0 ? 1 : (shape[shape.length - 1] as number),
    );
    const threshold = upperOutlierThreshold(importance);
    return Float32Array.from(baseValues, (b, i) => ((importance[i] as number) >= threshold ? (tuned[i] as number) : b));
  },
});

function fusionImportance(tuned: Float32Array, base: Float32Array, rowLength: number): Float32Array {
  const importance = new Float32Array(base.length);
  for (let start = 0; start < base.length; start += rowLength) {
    const end = Math.min(start + rowLength, base.length);
    const p = softmax(tuned.subarray(start, end));
    const q = softmax(base.subarray(start, end));
    let kl = 0;
    for (let i = 0; i < p.length; i++)
      kl +=
        ((p[i] as number) + KL_EPSILON) * Math.log(((p[i] as number) + KL_EPSILON) / ((q[i] as number) + KL_EPSILON));
    for (let i = start; i < end; i++) importance[i] = Math.abs((tuned[i] as number) - (base[i] as number)) * kl;
  }
  return importance;
}

function softmax(values: Float32Array): Float64Array {
  const max = values.reduce((m, v) => Math.max(m, v), -Infinity);
  const exps = Float64Array.from(values, (v) => Math.exp(v - max));
  const total = exps.reduce((sum, v) => sum + v, 0);
  return exps.map((v) => v / total);
}

function upperOutlierThreshold(importance: Float32Array): number {
  const quantile = (q: number): number => valueAtRank(importance, Math.floor(q * (importance.length - 1)));
  return quantile(0.5) + 1.5 * (quantile(0.75) - quantile(0.25));
}
