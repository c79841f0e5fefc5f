import { ForgeError } from '@agent-forge/core';
import { z } from 'zod';
import { tensorwiseMethod } from '../method.js';

/**
 * Multi-SLERP (mergekit `multislerp`, Goddard 2024): barycentric interpolation of any number of
 * models on the hypersphere, per tensor. With xᵢ = θᵢ (or θᵢ − θ_base when a base is given), unit
 * directions uᵢ = xᵢ / (|xᵢ| + eps) and normalised weights wᵢ, the result points along
 * m = Σ wᵢuᵢ with length Σ wᵢ|xᵢ|, then the base is added back.
 *
 * mergekit goes on to project the uᵢ onto the tangent space at m̂ and back through the exponential
 * map; the weighted tangent sum Σ wᵢ(uᵢ − (uᵢ·m̂)m̂) = |m|m̂ − |m|m̂ is identically zero, so that step
 * returns m̂ itself and is left out here. When |m| < eps (antipodal inputs that cancel) two models
 * are lerped, more are an error, as in mergekit. One model is returned as it is.
 */
export const multislerp = tensorwiseMethod({
  name: 'multislerp',
  displayName: 'Multi-SLERP',
  referenceUrl: 'https://goddard.blog/posts/multislerp-wow-what-a-cool-idea',
  summary: 'weighted spherical mean of any number of models (or task vectors), scaled to the mean norm',
  reference: 'Goddard 2024, https://goddard.blog/posts/multislerp-wow-what-a-cool-idea',
  baseModel: 'optional',
  models: { min: 1 },
  globalParameters: z.object({
    normalize_weights: z.boolean().default(true),
    eps: z.number().positive().default(1e-8),
  }),
  modelParameters: z.object({ weight: z.number() }),
  merge({ name, base, models, params }) {
    if (models.length === 1) return (models[0] as (typeof models)[number]).values.slice();
    const length = models[0]?.values.length ?? 0;
    const total = models.reduce((sum, model) => sum + model.params.weight, 0);
    if (params.normalize_weights && total === 0)
      throw new ForgeError(`multislerp: the weights sum to 0, so they cannot be normalised (tensor '${name}')`);
    const weights = models.map((model) =>
      params.normalize_weights ? model.params.weight / total : model.params.weight,
    );
    const offsets = models.map((model) =>
      base === undefined ? model.values : Float32Array.from(model.values, (v, i) => v - (base[i] as number)),
    );
    const norms = offsets.map((x) => Math.sqrt(x.reduce((sum, v) => sum + v * v, 0)));
    const mean = new Float64Array(length);
    offsets.forEach((x, m) => {
      const factor = (weights[m] as number) / ((norms[m] as number) + params.eps);
      for (let i = 0; i < length; i++) mean[i] = (mean[i] as number) + factor * (x[i] as number);
    });
    const meanNorm = Math.sqrt(mean.reduce((sum, v) => sum + v * v, 0));
    const out = new Float32Array(length);
    if (meanNorm < params.eps) {
      if (models.length !== 2)
        throw new ForgeError(
          `multislerp: the weighted directions cancel out (tensor '${name}'); antipodal models need different weights`,
        );
      for (let i = 0; i < length; i++)
        out[i] =
          (weights[0] as number) * (offsets[0]?.[i] as number) + (weights[1] as number) * (offsets[1]?.[i] as number);
    } else {
      const length_ = weights.reduce((sum, w, m) => sum + w * (norms[m] as number), 0);
      for (let i = 0; i < length; i++) out[i] = ((mean[i] as number) / meanNorm) * length_;
    }
    if (base !== undefined) for (let i = 0; i < length; i++) out[i] = (out[i] as number) + (base[i] as number);
    return out;
  },
});
