/**
 * Merging an adapter into the base weights: W ← W + (alpha/rank)·A·B for every layer it targets.
 * Exact for dense layers. A BitLinear layer quantizes its latent weight on every forward, so the
 * merged latent weight is re-ternarized and the result only approximates the adapter; the phase
 * measures the merged model's KL instead of assuming it.
 */
import { ForgeError, loraSlotsOf, tf } from '@agent-forge/core';
import type { LoraAdapters, TinyTitan } from '@agent-forge/core';

/** Adds adapter `name` into `model`'s weights in place (the adapter itself is left as it was). */
export function mergeAdapter(model: TinyTitan, adapters: LoraAdapters, name: string): void {
  const info = adapters.info(name);
  const slots = loraSlotsOf(model);
  const weights = model.namedWeights();
  for (const layer of info.targetLayers) {
    const pair = slots.get(layer)?.pair(name);
    const weight = weights.get(`${layer}.weight`);
    if (!pair || !weight)
      throw new ForgeError(`cannot merge adapter '${name}': layer '${layer}' has no slot or weight in this model`, {
        field: 'mergePersona',
      });
    tf.tidy(() => {
      weight.assign(tf.add(weight, tf.mul(tf.matMul(pair.a as tf.Tensor2D, pair.b as tf.Tensor2D), pair.scale)));
    });
  }
}
