import { z } from 'zod';
import { tensorwiseMethod } from '../method.js';

/**
 * Model Stock (Jang et al. 2024, arXiv:2403.19522), as mergekit computes it: with offsets
 * dᵢ = θᵢ − θ_base of N ≥ 2 fine-tuned models, cos θ is the mean pairwise cosine of the offsets,
 * t = N·cos θ / (1 + (N − 1)·cos θ), and θ = t·mean(θᵢ) + (1 − t)·θ_base.
 * `filter_wise` computes t per row (the last axis of the stored layout; mergekit's rows are PyTorch's
 * [out, in], TinyTitan's linears are [in, out]) instead of per tensor.
 */
export const modelStock = tensorwiseMethod({
  name: 'model_stock',
  displayName: 'Model Stock',
  referenceUrl: 'https://arxiv.org/abs/2403.19522',
  summary: 'interpolate base → mean of models by the angle between their offsets',
  reference: 'Jang et al. 2024, Model Stock, arXiv:2403.19522',
  baseModel: 'required',
  models: { min: 2 },
  globalParameters: z.object({ filter_wise: z.boolean().default(false) }),
  modelParameters: z.object({}),
  merge({ base, models, shape, params }) {
    const baseValues = base as Float32Array;
    const rowLength = params.filter_wise && shape.length > 0 ? (shape[shape.length - 1] as number) : baseValues.length;
    const out = new Float32Array(baseValues.length);
    for (let start = 0; start < baseValues.length; start += Math.max(rowLength, 1)) {
      const end = Math.min(start + rowLength, baseValues.length);
      stockRow(
        baseValues,
        models.map((model) => model.values),
        start,
        end,
        out,
      );
    }
    return out;
  },
});

/** Norm products below this are clamped, as mergekit does, so equal models give cos 0 → t 0 → base. */
const MIN_NORM_PRODUCT = 1e-6;

function stockRow(
  base: Float32Array,
  models: readonly Float32Array[],
  start: number,
  end: number,
  out: Float32Array,
): void {
  const n = models.length;
  let cosSum = 0;
  let pairs = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      cosSum += offsetCosine(base, models[a] as Float32Array, models[b] as Float32Array, start, end);
      pairs++;
    }
  }
  const cos = cosSum / pairs;
  const t = (n * cos) / (1 + (n - 1) * cos);
  for (let i = start; i < end; i++) {
    let mean = 0;
    for (const model of models) mean += model[i] as number;
    out[i] = t * (mean / n) + (1 - t) * (base[i] as number);
  }
}

function offsetCosine(base: Float32Array, x: Float32Array, y: Float32Array, start: number, end: number): number {
  let dot = 0;
  let xx = 0;
  let yy = 0;
  for (let i = start; i < end; i++) {
    const dx = (x[i] as number) - (base[i] as number);
    const dy = (y[i] as number) - (base[i] as number);
    dot += dx * dy;
    xx += dx * dx;
    yy += dy * dy;
  }
  return Math.min(1, Math.max(-1, dot / Math.max(Math.sqrt(xx) * Math.sqrt(yy), MIN_NORM_PRODUCT)));
}
