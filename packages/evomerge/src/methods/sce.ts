import { z } from 'zod';
import { rankRangeMask } from '../kernels/rank-select.js';
import { taskVector } from '../kernels/task-vectors.js';
import { tensorwiseMethod } from '../method.js';
import { INT8_MASK } from './task-vector-family.js';

/** Weight sums below this fall back to equal weights, and divisors are clamped to it (mergekit's value). */
const SCE_EPSILON = 1e-6;

/**
 * SCE (Wan et al. 2024, FuseChat, arXiv:2408.07990; mergekit `sce`): Select, Calculate, Erase over
 * task vectors τᵢ = θᵢ − θ_base.
 *  - Select: with `select_topk` < 1, keep only the entries whose variance across the models is among
 *    the top ⌊select_topk · (entries with non-zero variance)⌋ (ties broken by position), in every τᵢ;
 *  - Calculate: each model's weight is mean(τᵢ²), normalised to sum 1 (equal weights when the sum is < 1e-6);
 *  - Erase: per entry, elect the sign of Σᵢ τᵢ and drop the τᵢ of the other sign (and zeros);
 * then θ = θ_base + Σ wᵢτᵢ / max(Σ wᵢ, 1e-6) over the kept τᵢ. No per-model parameters.
 */
export const sce = tensorwiseMethod({
  name: 'sce',
  displayName: 'SCE',
  referenceUrl: 'https://arxiv.org/abs/2408.07990',
  summary: 'select high-variance entries, weight task vectors by their energy, erase minority signs',
  reference: 'Wan et al. 2024, FuseChat: Knowledge Fusion of Chat Models, arXiv:2408.07990',
  baseModel: 'required',
  models: { min: 1 },
  globalParameters: z.object({ select_topk: z.number().min(0).max(1).default(1), int8_mask: INT8_MASK }),
  modelParameters: z.object({}),
  merge({ base, models, params }) {
    const baseValues = base as Float32Array;
    const deltas = models.map((model) => taskVector(model.values, baseValues));
    if (params.select_topk < 1) applySelection(deltas, params.select_topk);
    const energies = deltas.map((delta) => delta.reduce((sum, v) => sum + v * v, 0) / Math.max(delta.length, 1));
    const energyTotal = energies.reduce((sum, e) => sum + e, 0);
    const weights = energies.map((e) => (Math.abs(energyTotal) < SCE_EPSILON ? 1 / deltas.length : e / energyTotal));
    const out = new Float32Array(baseValues.length);
    for (let e = 0; e < out.length; e++) {
      let total = 0;
      for (const delta of deltas) total += delta[e] as number;
      const elected = total >= 0 ? 1 : -1;
      let mixed = 0;
      let divisor = 0;
      deltas.forEach((delta, m) => {
        if (Math.sign(delta[e] as number) !== elected) return;
        mixed += (weights[m] as number) * (delta[e] as number);
        divisor += weights[m] as number;
      });
      out[e] = (baseValues[e] as number) + mixed / Math.max(divisor, SCE_EPSILON);
    }
    return out;
  },
});

/** Zero, in every task vector, the entries outside the top-k by variance across the models (population variance). */
function applySelection(deltas: Float32Array[], fraction: number): void {
  const length = deltas[0]?.length ?? 0;
  const variance = new Float32Array(length);
  for (let e = 0; e < length; e++) {
    let mean = 0;
    for (const delta of deltas) mean += delta[e] as number;
    mean /= deltas.length;
    let spread = 0;
    for (const delta of deltas) spread += ((delta[e] as number) - mean) ** 2;
    variance[e] = spread / deltas.length;
  }
  const nonZero = variance.reduce((count, v) => count + (v !== 0 ? 1 : 0), 0);
  const keep = Math.floor(nonZero * fraction);
  const mask = rankRangeMask(variance, length - keep, length);
  for (const delta of deltas) for (let e = 0; e < length; e++) if (mask[e] === 0) delta[e] = 0;
}
