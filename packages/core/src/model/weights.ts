/**
 * Seeded weight creation. Each weight draws from a stream forked from the model seed by its own name, so
 * its initial values depend only on (seed, name): adding a module later (memory, halting unit) does
 * not change the init of the weights that were already there.
 */
import { tf } from '../backend/tf.js';
import type { Rng } from '../rng/rng.js';

/** Weights by full HF-style name, e.g. `blocks.0.attn.q.weight`. */
export type NamedVariables = ReadonlyMap<string, tf.Variable>;

/** Where a module's weights come from: the model's seeded stream. */
export interface WeightInit {
  /** The model's seeded stream; each weight forks it by name, so its init depends only on (seed, name). */
  readonly rng: Rng;
}

/**
 * A trainable variable filled from N(0, std²). tfjs variable names are engine-global, so the variable
 * itself stays unnamed and the model keeps the name in its maps — two models can live side by side.
 */
export function normalWeight(init: WeightInit, name: string, shape: number[], std: number): tf.Variable {
  const seed = init.rng.fork(name).seed();
  return tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, std, 'float32', seed)));
}

/** A trainable variable filled with `value` (norm gains 1, biases 0). */
export function constantWeight(shape: number[], value: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.fill(shape, value, 'float32')));
}

/** Merges the weight maps of a module's parts, in order. */
export function mergeWeights(...parts: ReadonlyArray<{ readonly weights: NamedVariables }>): NamedVariables {
  const merged = new Map<string, tf.Variable>();
  for (const part of parts) for (const [name, variable] of part.weights) merged.set(name, variable);
  return merged;
}
