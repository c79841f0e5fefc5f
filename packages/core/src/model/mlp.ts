/**
 * The position-wise MLP: SwiGLU (Shazeer 2020, https://arxiv.org/abs/2002.05202) `down(silu(gate x) ⊙ up x)`,
 * or GPT-2's `down(gelu(up x))` with the tanh GELU approximation.
 */
import { tf } from '../backend/tf.js';
import type { Linear, LinearFactory } from './linear.js';
import { mergeWeights, type WeightInit, type NamedVariables } from './weights.js';

const GELU_SCALE = Math.sqrt(2 / Math.PI);

/** tanh-approximate GELU (torch `gelu(approximate='tanh')`); x·x·x because tf.pow is slow on wasm. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const cube = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), GELU_SCALE);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}

/** How an MLP is built. */
export interface MlpOptions {
  /** Weight-name prefix, e.g. `blocks.0.mlp`. */
  readonly name: string;
  /** GELU (up, down) or SwiGLU (gate, up, down). */
  readonly kind: 'gelu' | 'swiglu';
  /** Model width. */
  readonly dModel: number;
  /** Hidden width. */
  readonly dFF: number;
  /** Init std of the input projections. */
  readonly initStd: number;
  /** Init std of the down projection, which writes into the residual stream. */
  readonly outputInitStd: number;
  /** Makes the projections. */
  readonly createLinear: LinearFactory;
}

/** The position-wise feed-forward layer of a block: SwiGLU or GELU, `[..., dModel] → [..., dModel]`. */
export class Mlp {
  /** Present for SwiGLU only. */
  readonly gate: Linear | null;
  /** Projection `dModel → dFF` (`<name>.up`). */
  readonly up: Linear;
  /** Projection `dFF → dModel` (`<name>.down`), which writes back into the residual stream. */
  readonly down: Linear;
  /** The projections' weights by full name. */
  readonly weights: NamedVariables;

  constructor(options: MlpOptions, init: WeightInit) {
    const { name, dModel, dFF, initStd, createLinear } = options;
    this.gate = options.kind === 'swiglu' ? createLinear({ name: `${name}.gate`, inFeatures: dModel, outFeatures: dFF, initStd }, init) : null;
    this.up = createLinear({ name: `${name}.up`, inFeatures: dModel, outFeatures: dFF, initStd }, init);
    this.down = createLinear({ name: `${name}.down`, inFeatures: dFF, outFeatures: dModel, initStd: options.outputInitStd }, init);
    this.weights = mergeWeights(...(this.gate ? [this.gate] : []), this.up, this.down);
  }

  /** `[..., dModel] → [..., dModel]`. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const up = this.up.apply(x);
      return this.down.apply(this.gate ? tf.mul(silu(this.gate.apply(x)), up) : gelu(up));
    });
  }
}

/** SiLU / swish, `x·σ(x)`. */
function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}
