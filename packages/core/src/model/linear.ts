/**
 * The replaceable linear layer. Every projection in a block (attention q/k/v/o, MLP gate/up/down, an
 * untied head) is built through a `LinearFactory`, so a phase can swap the dense layer for another
 * implementation — BitNet's ternary BitLinear — by passing its own factory, without touching the block.
 */
import { tf } from '../backend/tf.js';
import { normalWeight, type WeightInit, type NamedVariables } from './weights.js';

/** A learned map from the last axis `inFeatures` to `outFeatures`. */
export interface Linear {
  /** Module name, e.g. `blocks.0.attn.q`; its weights are named `${name}.weight` and so on. */
  readonly name: string;
  /** Width of the input's last axis. */
  readonly inFeatures: number;
  /** Width of the output's last axis. */
  readonly outFeatures: number;
  /** The layer's trainable weights by full name. */
  readonly weights: NamedVariables;
  /** `[..., inFeatures] → [..., outFeatures]`. */
  apply(x: tf.Tensor): tf.Tensor;
}

/** What the model asks a factory for. */
export interface LinearSpec {
  /** Module name, e.g. `blocks.0.mlp.up`; the layer names its weights `${name}.weight` and so on. */
  readonly name: string;
  /** Input width (last axis). */
  readonly inFeatures: number;
  /** Output width (last axis). */
  readonly outFeatures: number;
  /** Std of the normal init the model wants for this layer. */
  readonly initStd: number;
}

/** Builds one linear layer; `init` carries the model's seeded stream. */
export type LinearFactory = (spec: LinearSpec, init: WeightInit) => Linear;

/** Multiplies the last axis by a 2-D matrix, folding the leading axes into one for a single matMul. */
export function applyMatrix(x: tf.Tensor, matrix: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const [inFeatures, outFeatures] = matrix.shape;
    const leading = x.shape.slice(0, -1);
    const flat = tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D;
    return tf.reshape(tf.matMul(flat, matrix), [...leading, outFeatures]);
  });
}

/** The dense float layer: `x · W` with W `[in, out]`, no bias (llama style). */
export const denseLinear: LinearFactory = (spec, init) => {
  const weightName = `${spec.name}.weight`;
  const weight = normalWeight(init, weightName, [spec.inFeatures, spec.outFeatures], spec.initStd);
  return {
    name: spec.name,
    inFeatures: spec.inFeatures,
    outFeatures: spec.outFeatures,
    weights: new Map([[weightName, weight]]),
    apply: (x) => applyMatrix(x, weight as tf.Variable<tf.Rank.R2>),
  };
};
