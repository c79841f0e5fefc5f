/**
 * Grokfast-EMA (Lee et al. 2024, Algorithm 2): μ ← α·μ + (1−α)·g, then g ← g + λ·μ.
 *
 * μ starts at the first gradient (as the authors' reference implementation does), not at zero: a
 * zero start would bias μ towards 0 for the first ~1/(1−α) steps.
 *
 * Not the seed plan's `g + λ·(g − μ)`: that amplifies the *fast* (high-pass) part of the gradient,
 * the opposite of the paper, which adds the slow (low-pass) part.
 */
import { ForgeError, tf } from '@agent-forge/core';
import type { GradientMap, GradientTransform, Tensor } from '@agent-forge/core';
import { z } from 'zod';
import { parseStateKey, stateKey, type GradientFilter } from './types.js';

/** Settings of the Grokfast-EMA filter, paper defaults (α = 0.98, λ = 2); `createGrokfast('ema', …)` parses them. */
export const EmaSettingsSchema = z.object({
  /** EMA momentum; the paper's algorithmic-data default. */
  alpha: z.number().min(0).lt(1).default(0.98),
  /** Amplification of the slow component; λ = 0 leaves gradients unchanged. */
  lambda: z.number().min(0).default(2),
});
/** Parsed Grokfast-EMA settings: α (memory ≈ 1/(1−α) steps) and λ, defaults filled. */
export type EmaSettings = z.output<typeof EmaSettingsSchema>;

const MU = 'mu';

class EmaTransform implements GradientTransform {
  readonly name = 'grokfast-ema';
  private readonly mu = new Map<string, Tensor>();

  constructor(private readonly settings: EmaSettings) {}

  apply(gradients: GradientMap): GradientMap {
    const { alpha, lambda } = this.settings;
    const out: GradientMap = new Map();
    for (const [name, grad] of gradients) {
      const previous = this.mu.get(name) ?? grad;
      const next = tf.tidy(() => tf.add(tf.mul(previous, alpha), tf.mul(grad, 1 - alpha)));
      if (previous !== grad) previous.dispose();
      this.mu.set(name, tf.keep(next));
      out.set(
        name,
        tf.tidy(() => tf.add(grad, tf.mul(next, lambda))),
      );
      grad.dispose();
    }
    return out;
  }

  state(): Map<string, Tensor> {
    return new Map([...this.mu].map(([name, tensor]) => [stateKey(name, MU), tensor]));
  }

  loadState(state: Map<string, Tensor>): void {
    this.dispose();
    for (const [key, tensor] of state) {
      const parsed = parseStateKey(key);
      if (parsed?.slot !== MU)
        throw new ForgeError(`grokfast-ema: unexpected saved state '${key}'`, { field: 'transform/grokfast-ema' });
      this.mu.set(parsed.weight, tf.keep(tensor.clone()));
    }
  }

  dispose(): void {
    for (const tensor of this.mu.values()) tensor.dispose();
    this.mu.clear();
  }
}

/**
 * Registry entry `ema`: μ ← α·μ + (1−α)·g, g ← g + λ·μ per weight. State: one μ per weight (1× the
 * model's fp32 size), saved as `<weight>::mu`.
 */
export const emaFilter: GradientFilter<EmaSettings> = {
  name: 'ema',
  displayName: 'Grokfast-EMA',
  referenceUrl: 'https://arxiv.org/abs/2405.20233',
  description: 'exponential moving average of past gradients (Grokfast-EMA; α = 0.98, λ = 2)',
  settingsSchema: EmaSettingsSchema,
  create: (settings) => new EmaTransform(settings),
};
