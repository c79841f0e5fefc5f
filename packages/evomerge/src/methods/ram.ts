import { z } from 'zod';
import { taskVector } from '../kernels/task-vectors.js';
import { tensorwiseMethod, type TensorMergeInput } from '../method.js';

const RAM_PAPER = 'Reinforced Agent Merging, arXiv:2601.13572';

/**
 * RAM, Reinforced Agent Merging (arXiv:2601.13572; mergekit `ram`): each entry of the merged task
 * vector is the mean of the models' task-vector entries that are non-negligible (|τᵢ| > `epsilon`):
 * an entry only one model changed keeps that change whole instead of being diluted by the others'
 * zeros. θ = θ_base + that mean (0 where no model changed the entry).
 */
export const ram = tensorwiseMethod({
  name: 'ram',
  displayName: 'RAM',
  referenceUrl: 'https://arxiv.org/abs/2601.13572',
  summary: 'mean of the task-vector entries each model actually changed (unique changes kept whole)',
  reference: RAM_PAPER,
  baseModel: 'required',
  models: { min: 1 },
  globalParameters: z.object({ epsilon: z.number().min(0).default(1e-5) }),
  modelParameters: z.object({}),
  merge: (input) => ramMerge(input, () => 1),
});

/**
 * RAM+ tensor-local (mergekit `ramplus_tl`): as `ram`, but a model's unique changes are amplified by
 * λᵢ = 1 + r·clamp(ρᵢ, 0, α), where ρᵢ = (its changed entries shared with other models) / (its
 * unique changed entries), counted within the tensor.
 */
export const ramPlusTensorLocal = tensorwiseMethod({
  name: 'ramplus_tl',
  displayName: 'RAM+ (tensor-local)',
  referenceUrl: 'https://arxiv.org/abs/2601.13572',
  summary: 'ram with each model’s unique changes amplified by its share of overlapping changes',
  reference: RAM_PAPER,
  baseModel: 'required',
  models: { min: 1 },
  globalParameters: z.object({
    r: z.number().min(0).default(0.1),
    alpha: z.number().min(0).default(0.2),
    epsilon: z.number().min(0).default(1e-5),
  }),
  modelParameters: z.object({}),
  merge: (input) =>
    ramMerge(
      input,
      (shared, unique) =>
        1 + input.params.r * Math.min(Math.max(shared / Math.max(unique, input.params.epsilon), 0), input.params.alpha),
    ),
});

/** The RAM combine, with `uniqueScale(shared, unique)` the factor on a model's unique changes from its counts. */
function ramMerge(
  input: TensorMergeInput<{ epsilon: number }, object>,
  uniqueScale: (shared: number, unique: number) => number,
): Float32Array {
  const base = input.base as Float32Array;
  const deltas = input.models.map((model) => taskVector(model.values, base));
  const changed = (delta: Float32Array, e: number): boolean => Math.abs(delta[e] as number) > input.params.epsilon;
  const counts = new Uint32Array(base.length);
  for (const delta of deltas)
    for (let e = 0; e < base.length; e++) if (changed(delta, e)) counts[e] = (counts[e] as number) + 1;
  const scales = deltas.map((delta) => {
    let shared = 0;
    let unique = 0;
    for (let e = 0; e < base.length; e++) {
      if (!changed(delta, e)) continue;
      if (counts[e] === 1) unique++;
      else shared++;
    }
    return uniqueScale(shared, unique);
  });
  return Float32Array.from(base, (b, e) => {
    let mixed = 0;
    deltas.forEach((delta, m) => {
      if (changed(delta, e))
        mixed += (delta[e] as number) * (counts[e] === 1 ? (scales[m] as number) : 1 / (counts[e] as number));
    });
    return b + mixed;
  });
}
