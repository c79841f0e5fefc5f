/**
 * The optimizer of the Grokfast reference's README commands: `torch.optim.Adam(model.parameters(),
 * weight_decay=wd)`. Its weight decay is L2 regularisation coupled into the gradient (g ← g + wd·w on
 * every parameter, before the moment estimates), not AdamW's decoupled decay on matrices only, so the
 * decay is added here and core's AdamW runs with its own decay switched off.
 */
import { AdamW, tf } from '@agent-forge/core';
import type { GradientMap, Tensor, Variable } from '@agent-forge/core';

/** Settings of `AdamL2`: Adam's betas and ε, and the coupled L2 weight decay. */
export interface AdamL2Settings {
  /** First-moment decay (reference 0.9). */
  readonly beta1: number;
  /** Second-moment decay (reference 0.98). */
  readonly beta2: number;
  /** Added to √v̂ (torch's default 1e-8). */
  readonly eps: number;
  /** L2 coefficient: wd·w is added to every parameter's gradient before the Adam update; 0 disables it. */
  readonly weightDecay: number;
}

/** torch.optim.Adam with `weight_decay`: g ← g + wd·w for every weight, then Adam (bias-corrected moments). */
export class AdamL2 {
  private readonly adam: AdamW;

  constructor(private readonly settings: AdamL2Settings) {
    this.adam = new AdamW({ beta1: settings.beta1, beta2: settings.beta2, eps: settings.eps, weightDecay: 0 });
  }

  /** Updates taken so far (Adam's bias correction counts them). */
  get stepCount(): number {
    return this.adam.stepCount;
  }

  /** One update in place on `weights`; `gradients` stay owned by the caller. */
  apply(weights: Map<string, Variable>, gradients: GradientMap, lr: number): void {
    const { weightDecay } = this.settings;
    if (weightDecay === 0) {
      this.adam.apply(weights, gradients, lr);
      return;
    }
    const decayed: GradientMap = new Map();
    for (const [name, grad] of gradients) {
      const weight = weights.get(name);
      if (!weight) throw new Error(`AdamL2: gradient for unknown weight '${name}'`);
      decayed.set(
        name,
        tf.tidy(() => tf.add(grad, tf.mul(weight, weightDecay))),
      );
    }
    try {
      this.adam.apply(weights, decayed, lr);
    } finally {
      for (const tensor of decayed.values()) tensor.dispose();
    }
  }

  /** Moments by name (`<weight>.m`, `<weight>.v`), still owned by the optimizer. */
  state(): Map<string, Tensor> {
    return this.adam.state();
  }

  /** Restores `state()` and the step count for an exact resume. */
  loadState(stepCount: number, state: Map<string, Tensor>, weights: Map<string, Variable>): void {
    this.adam.loadState(stepCount, state, weights);
  }

  /** Frees the moments. */
  dispose(): void {
    this.adam.dispose();
  }
}

/**
 * The reference's warm-up (`LambdaLR(lambda u: 1 if u > 10 else u / 10)`, stepped after each update):
 * the k-th update (1-based) runs at lr·min(1, (k − 1)/warmupSteps), so the first at lr 0 and the
 * (warmupSteps + 1)-th at the full rate.
 */
export function referenceWarmupLr(step: number, lr: number, warmupSteps: number): number {
  return warmupSteps > 0 ? lr * Math.min(1, (step - 1) / warmupSteps) : lr;
}
