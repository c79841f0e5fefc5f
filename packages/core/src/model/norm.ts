/**
 * Normalisation over the model axis: RMSNorm (Zhang & Sennrich 2019, https://arxiv.org/abs/1910.07467)
 * or LayerNorm. Both are written in plain tfjs ops so every backend and gradient supports them.
 */
import { tf } from '../backend/tf.js';
import type { ModelConfig } from './config.js';
import { constantWeight, type NamedVariables } from './weights.js';

/** A normalisation layer over the last (model) axis: RMSNorm or LayerNorm, as the config selects. */
export interface Norm {
  /** Module name, e.g. `blocks.0.attn_norm`; its weights are `<name>.weight` (and `<name>.bias` for LayerNorm). */
  readonly name: string;
  /** Gain (and bias) `[dModel]` by full name. */
  readonly weights: NamedVariables;
  /** Normalise `x` over its last axis and apply the gain (and bias); shape is unchanged. */
  apply(x: tf.Tensor): tf.Tensor;
}

function rmsNorm(name: string, width: number, eps: number): Norm {
  const gain = constantWeight([width], 1);
  return {
    name,
    weights: new Map([[`${name}.weight`, gain]]),
    apply: (x) =>
      tf.tidy(() => {
        const meanSquare = tf.mean(tf.square(x), -1, true);
        return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), gain);
      }),
  };
}

function layerNorm(name: string, width: number, eps: number): Norm {
  const gain = constantWeight([width], 1);
  const bias = constantWeight([width], 0);
  return {
    name,
    weights: new Map([
      [`${name}.weight`, gain],
      [`${name}.bias`, bias],
    ]),
    apply: (x) =>
      tf.tidy(() => {
        const { mean, variance } = tf.moments(x, -1, true);
        const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
        return tf.add(tf.mul(normalised, gain), bias);
      }),
  };
}

/** The norm the config selects, with gain 1 (and bias 0). */
export function createNorm(name: string, config: ModelConfig): Norm {
  return config.norm === 'rmsnorm' ? rmsNorm(name, config.dModel, config.normEps) : layerNorm(name, config.dModel, config.normEps);
}
