/**
 * The position-wise MLP: SwiGLU (Shazeer 2020, https://arxiv.org/abs/2002.05202) `down(silu(gate x) ⊙ up x)`,
 * or GPT-2's `down(gelu(up x))` with the tanh GELU approximation.
 */
import { FUSED_KERNELS, hasFusedKernel } from '../backend/kernels/native-addon.js';
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
    this.gate =
      options.kind === 'swiglu'
        ? createLinear({ name: `${name}.gate`, inFeatures: dModel, outFeatures: dFF, initStd }, init)
        : null;
    this.up = createLinear({ name: `${name}.up`, inFeatures: dModel, outFeatures: dFF, initStd }, init);
    this.down = createLinear(
      { name: `${name}.down`, inFeatures: dFF, outFeatures: dModel, initStd: options.outputInitStd },
      init,
    );
    this.weights = mergeWeights(...(this.gate ? [this.gate] : []), this.up, this.down);
  }

  /** `[..., dModel] → [..., dModel]`. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const up = this.up.apply(x);
      const gate = this.gate ? this.gate.apply(x) : undefined;
      if (hasFusedKernel(FUSED_KERNELS.activation) && up.dtype === 'float32')
        return this.down.apply(fusedActivation(up, gate));
      return this.down.apply(gate ? tf.mul(silu(gate), up) : gelu(up));
    });
  }
}

/** SiLU / swish, `x·σ(x)`. */
function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/**
 * gelu(up), or silu(gate)·up, as one fused kernel and one for its gradient (native kernels on wasm):
 * ~9 + 20 tensor kernels fewer for GELU, ~3 + 8 for SwiGLU, per MLP and training step.
 */
function fusedActivation(up: tf.Tensor, gate: tf.Tensor | undefined): tf.Tensor {
  const op = gate === undefined ? 'gelu' : 'swiglu';
  const apply = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const save = args.at(-1) as tf.GradSaveFunc;
    const [a, b] = inputs as [tf.Tensor, tf.Tensor | undefined];
    const value = tf
      .engine()
      .runKernel(FUSED_KERNELS.activation, b === undefined ? { a } : { a, b }, { op }) as tf.Tensor;
    save(inputs);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [savedA, savedB] = saved as [tf.Tensor, tf.Tensor | undefined];
      return tf
        .engine()
        .runKernel(
          FUSED_KERNELS.activationGrad,
          savedB === undefined ? { a: savedA, dy } : { a: savedA, b: savedB, dy },
          { op },
        ) as tf.Tensor[];
    };
    return { value, gradFunc };
  });
  // SwiGLU's inputs are (gate, up): silu is applied to the gate.
  return gate === undefined ? apply(up) : apply(gate, up);
}
