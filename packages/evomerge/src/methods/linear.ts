import { z } from 'zod';
import { tensorwiseMethod } from '../method.js';

/**
 * Linear (model soups, Wortsman et al. 2022): θ = Σ wᵢθᵢ, divided by Σ wᵢ when `normalize`
 * (mergekit's default, true). Every listed model takes part; `base_model` is not used.
 */
export const linear = tensorwiseMethod({
  name: 'linear',
  displayName: 'Linear',
  referenceUrl: 'https://arxiv.org/abs/2203.05482',
  summary: 'weighted average of the models',
  reference: 'Wortsman et al. 2022, Model soups, arXiv:2203.05482',
  baseModel: 'unused',
  models: { min: 1 },
  globalParameters: z.object({ normalize: z.boolean().default(true) }),
  modelParameters: z.object({ weight: z.number() }),
  merge({ models, params }) {
    const length = models[0]?.values.length ?? 0;
    const weights = models.map((model) => model.params.weight);
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    if (params.normalize && total === 0)
      throw new RangeError('linear: the weights sum to 0, so they cannot be normalised');
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (let m = 0; m < models.length; m++) sum += (weights[m] as number) * (models[m]?.values[i] as number);
      out[i] = params.normalize ? sum / total : sum;
    }
    return out;
  },
});
