import { FUSED_KERNELS, hasFusedKernel } from '../backend/kernels/native-addon.js';
import { tf } from '../backend/tf.js';
import type { Tensor, Variable } from '../backend/tf.js';
import type { GradientMap } from './gradients.js';

/** One step's scalars: the learning rate, the betas, ε, this weight's decay and the bias corrections. */
interface StepScalars {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  decay: number;
  correction1: number;
  correction2: number;
}

/** The update as tensor ops, for backends without the fused kernel: [next weight, next m, next v]. */
function compositeUpdate(
  { weight, grad, m, v }: { weight: Tensor; grad: Tensor; m: Tensor; v: Tensor },
  { lr, beta1, beta2, eps, decay, correction1, correction2 }: StepScalars,
): [Tensor, Tensor, Tensor] {
  const nextM = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1));
  const nextV = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2));
  const update = tf.div(tf.div(nextM, correction1), tf.add(tf.sqrt(tf.div(nextV, correction2)), eps));
  const step = decay > 0 ? tf.add(update, tf.mul(weight, decay)) : update;
  return [tf.sub(weight, tf.mul(step, lr)), nextM, nextV];
}

/** AdamW hyperparameters; a `TrainConfig` carries all four, so `new AdamW(config)` works. */
export interface AdamWSettings {
  /** Decay of the first-moment (mean gradient) estimate, in [0, 1); typically 0.9. */
  beta1: number;
  /** Decay of the second-moment (squared gradient) estimate, in [0, 1); typically 0.95–0.999. */
  beta2: number;
  /** Added to the root of the second moment to keep the step finite; typically 1e-8. */
  eps: number;
  /** Decoupled decay per step, multiplied by lr; applied to rank ≥ 2 weights only. 0 disables it. */
  weightDecay: number;
}

/**
 * AdamW (Loshchilov & Hutter): Adam with weight decay decoupled from the gradient.
 * Written here rather than taken from tfjs because tfjs ships no AdamW, and because resume
 * needs the moment estimates as named tensors we can save and restore exactly.
 * Decay applies to weights of rank ≥ 2 only (matrices, embeddings), not to norm gains or biases.
 */
export class AdamW {
  private readonly settings: AdamWSettings;
  private readonly moments = new Map<string, { m: Variable; v: Variable }>();
  /** Updates taken so far (bias correction uses it). */
  stepCount = 0;

  constructor(settings: AdamWSettings) {
    this.settings = settings;
  }

  /** Take one update step in place on `weights` for every named gradient, at learning rate `lr`; a gradient for an unknown weight throws. */
  apply(weights: Map<string, Variable>, gradients: GradientMap, lr: number): void {
    this.stepCount += 1;
    const { beta1, beta2, eps, weightDecay } = this.settings;
    const correction1 = 1 - beta1 ** this.stepCount;
    const correction2 = 1 - beta2 ** this.stepCount;
    for (const [name, grad] of gradients) {
      const weight = weights.get(name);
      if (!weight) throw new Error(`AdamW: gradient for unknown weight '${name}'`);
      const { m, v } = this.momentsFor(name, weight);
      const decay = weight.rank >= 2 ? weightDecay : 0;
      tf.tidy(() => {
        const [nextW, nextM, nextV] = hasFusedKernel(FUSED_KERNELS.adamW)
          ? (tf
              .engine()
              .runKernel(
                FUSED_KERNELS.adamW,
                { w: weight, g: grad, m, v },
                { lr, beta1, beta2, eps, weightDecay: decay, correction1, correction2 },
              ) as [Tensor, Tensor, Tensor])
          : compositeUpdate({ weight, grad, m, v }, { lr, beta1, beta2, eps, decay, correction1, correction2 });
        m.assign(nextM);
        v.assign(nextV);
        weight.assign(nextW);
      });
    }
  }

  /** Moments by name (`<weight>.m`, `<weight>.v`) for saving; the tensors stay owned by the optimizer. */
  state(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [name, { m, v }] of this.moments) {
      out.set(`${name}.m`, m);
      out.set(`${name}.v`, v);
    }
    return out;
  }

  /** Restore moments saved by `state()` and the step count, for an exact resume; weights without saved moments start from zero. */
  loadState(stepCount: number, state: Map<string, Tensor>, weights: Map<string, Variable>): void {
    this.dispose();
    this.stepCount = stepCount;
    for (const [name, weight] of weights) {
      const m = state.get(`${name}.m`);
      const v = state.get(`${name}.v`);
      if (!m || !v) continue;
      if (m.shape.join(',') !== weight.shape.join(','))
        throw new Error(`AdamW: saved moment for '${name}' has shape [${m.shape}], weight has [${weight.shape}]`);
      this.moments.set(name, { m: tf.variable(m, false), v: tf.variable(v, false) });
    }
  }

  /** Free the moment tensors; the optimizer starts from zero moments if used again. */
  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }

  private momentsFor(name: string, weight: Variable): { m: Variable; v: Variable } {
    let entry = this.moments.get(name);
    if (!entry) {
      // tidy frees the zeros once the variables hold their data (variables are not tidied).
      entry = tf.tidy(() => ({
        m: tf.variable(tf.zerosLike(weight), false),
        v: tf.variable(tf.zerosLike(weight), false),
      }));
      this.moments.set(name, entry);
    }
    return entry;
  }
}
