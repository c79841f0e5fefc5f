/**
 * Normalisation over the model axis: RMSNorm (Zhang & Sennrich 2019, https://arxiv.org/abs/1910.07467)
 * or LayerNorm. Both are written in plain tfjs ops so every backend and gradient supports them.
 */
import { FUSED_KERNELS, hasFusedKernel } from '../backend/kernels/native-addon.js';
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

/**
 * The norm as one fused kernel and one for its gradient (native kernels on wasm): ~30 tensor kernels
 * fewer per norm and training step. `bias` only for LayerNorm.
 */
function fusedNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor | undefined, eps: number): tf.Tensor {
  const layerNorm = bias !== undefined;
  const apply = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const save = args.at(-1) as tf.GradSaveFunc;
    const [input, weight, offset] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    const [value, mean, rstd] = tf
      .engine()
      .runKernel(
        FUSED_KERNELS.norm,
        { x: input, gain: weight, ...(offset ? { bias: offset } : {}) },
        { layerNorm, eps },
      ) as [tf.Tensor, tf.Tensor, tf.Tensor];
    save([input, weight, mean, rstd]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [savedX, savedGain, savedMean, savedRstd] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const attrs = { layerNorm, hasBias: layerNorm };
      return tf
        .engine()
        .runKernel(
          FUSED_KERNELS.normGrad,
          { x: savedX, gain: savedGain, mean: savedMean, rstd: savedRstd, dy },
          attrs,
        ) as tf.Tensor[];
    };
    return { value, gradFunc };
  });
  return bias === undefined ? apply(x, gain) : apply(x, gain, bias);
}

function rmsNorm(name: string, width: number, eps: number): Norm {
  const gain = constantWeight([width], 1);
  return {
    name,
    weights: new Map([[`${name}.weight`, gain]]),
    apply: (x) =>
      tf.tidy(() => {
        if (hasFusedKernel(FUSED_KERNELS.norm) && x.dtype === 'float32') return fusedNorm(x, gain, undefined, eps);
        const meanSquare = tf.mean(tf.square(x), -1, true);
        return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), gain);
      }),
  };
}

/**
 * LayerNorm over the last axis, `(x − mean) / √(var + eps) · gain + bias` (biased variance, as torch's
 * `nn.LayerNorm`), for models outside TinyTitan that hold their own gain and bias: the fused kernels when
 * loaded (their gain and bias gradients are summed in the kernel, not by tfjs-wasm's slow column `Sum`),
 * plain tfjs ops otherwise.
 */
export function layerNormOp(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  return tf.tidy(() => {
    if (hasFusedKernel(FUSED_KERNELS.norm) && x.dtype === 'float32') return fusedNorm(x, gain, bias, eps);
    const { mean, variance } = tf.moments(x, -1, true);
    const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(normalised, gain), bias);
  });
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
    apply: (x) => layerNormOp(x, gain, bias, eps),
  };
}

/** The norm the config selects, with gain 1 (and bias 0). */
export function createNorm(name: string, config: ModelConfig): Norm {
  return config.norm === 'rmsnorm'
    ? rmsNorm(name, config.dModel, config.normEps)
    : layerNorm(name, config.dModel, config.normEps);
}
