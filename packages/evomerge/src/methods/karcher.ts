import { z } from 'zod';
import { tensorwiseMethod } from '../method.js';

/**
 * Karcher mean (mergekit `karcher`): the Riemannian mean of the models' directions on the unit
 * hypersphere, scaled by their mean norm, per tensor. Every model weighs 1/N (mergekit reads no
 * weights; a `base_model` is merged as one more model). Directions of models with norm ≤ `tol` are
 * left out of the mean (their norm still counts, as 0, in the scale). From the normalised arithmetic
 * mean u, each step moves along T = Σ aᵢ·θᵢ/sin θᵢ·(uᵢ − cos θᵢ·u) (θᵢ the angle from u to uᵢ; angles
 * below `tol` add nothing) to u ← cos|T|·u + sin|T|·T/|T|, until |T| < `tol` or `max_iter` steps.
 */
export const karcher = tensorwiseMethod({
  name: 'karcher',
  displayName: 'Karcher Mean',
  referenceUrl: 'https://en.wikipedia.org/wiki/Karcher_mean',
  summary: 'Riemannian (Karcher) mean of the models’ directions, scaled by their mean norm',
  reference: 'Karcher 1977, Riemannian center of mass; mergekit karcher (https://en.wikipedia.org/wiki/Karcher_mean)',
  baseModel: 'unused',
  models: { min: 1 },
  globalParameters: z.object({
    max_iter: z.number().int().min(0).default(10),
    tol: z.number().positive().default(1e-5),
  }),
  modelParameters: z.object({}),
  merge({ models, params }) {
    if (models.length === 1) return (models[0] as (typeof models)[number]).values.slice();
    const norms = models.map(({ values }) => Math.sqrt(dot(values, values)));
    const valid = models.flatMap(({ values }, m) =>
      (norms[m] as number) > params.tol ? [Float64Array.from(values, (v) => v / (norms[m] as number))] : [],
    );
    const length = models[0]?.values.length ?? 0;
    if (valid.length === 0) return new Float32Array(length);
    const u = sphericalMean(valid, params.max_iter, params.tol);
    const scale = norms.reduce((sum, norm) => sum + norm, 0) / models.length;
    return Float32Array.from(u, (v) => v * scale);
  },
});

/** The Karcher mean of unit vectors `units`, equally weighted. */
function sphericalMean(units: readonly Float64Array[], maxIterations: number, tol: number): Float64Array {
  const length = units[0]?.length ?? 0;
  const alpha = 1 / units.length;
  let u = new Float64Array(length);
  for (const unit of units) for (let i = 0; i < length; i++) u[i] = (u[i] as number) + alpha * (unit[i] as number);
  const startNorm = Math.sqrt(dot(u, u));
  u = startNorm < tol ? (units[0] as Float64Array).slice() : u.map((v) => v / startNorm);
  for (let step = 0; step < maxIterations; step++) {
    const tangent = new Float64Array(length);
    for (const unit of units) {
      const cos = Math.min(1, Math.max(-1, dot(u, unit)));
      const theta = Math.acos(cos);
      if (theta < tol) continue;
      const factor = (alpha * theta) / Math.sin(theta);
      for (let i = 0; i < length; i++)
        tangent[i] = (tangent[i] as number) + factor * ((unit[i] as number) - cos * (u[i] as number));
    }
    const tangentNorm = Math.sqrt(dot(tangent, tangent));
    if (tangentNorm < tol) break;
    const [c, s] = [Math.cos(tangentNorm), Math.sin(tangentNorm) / tangentNorm];
    const moved = u.map((v, i) => c * v + s * (tangent[i] as number));
    const movedNorm = Math.sqrt(dot(moved, moved));
    u = movedNorm > tol ? moved.map((v) => v / movedNorm) : moved;
  }
  return u;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
