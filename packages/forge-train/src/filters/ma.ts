/**
 * Grokfast-MA (Lee et al. 2024, Algorithm 1): the mean of the last w gradients, g ← g + λ·mean.
 *
 * As in the authors' reference code (its default `warmup=True`), gradients are collected from the
 * first step but the filter only changes them once the window is full (step ≥ w). The window's sum
 * is kept as a running total (add the newest, subtract the one leaving) so a step costs two adds,
 * not w; the total is saved with the window, so a resume continues the very same rounding. The window
 * holds real copies of past gradients, never views of the caller's buffers.
 */
import { ForgeError, tf } from '@agent-forge/core';
import type { GradientMap, GradientTransform, Tensor } from '@agent-forge/core';
import { z } from 'zod';
import { parseStateKey, stateKey, type GradientFilter } from './types.js';

/** Settings of the Grokfast-MA filter, paper defaults (w = 100, λ = 5); `createGrokfast('ma', …)` parses them. */
export const MaSettingsSchema = z.object({
  /** Gradients averaged (the paper's w). Memory: w copies of every gradient. */
  windowSize: z.number().int().positive().default(100),
  /** Amplification of the windowed mean; λ = 0 leaves gradients unchanged. */
  lambda: z.number().min(0).default(5),
});
/** Parsed Grokfast-MA settings: window size w and λ, defaults filled. */
export type MaSettings = z.output<typeof MaSettingsSchema>;

const SUM = 'sum';

/**
 * A copy with storage of its own. `clone()` would share the gradient's buffer (reference-counted), and
 * a window of handles onto buffers that a backward pass or a kernel may reuse is the known MA pitfall
 * (with PyTorch's reused `p.grad`, the window silently holds w views of the latest gradient).
 */
const ownCopy = (tensor: Tensor): Tensor => tf.keep(tf.tidy(() => tf.mul(tensor, 1)));
const SLOT = 'window/';

interface Window {
  /** Oldest first. */
  readonly items: Tensor[];
  sum: Tensor;
}

class MaTransform implements GradientTransform {
  readonly name = 'grokfast-ma';
  private readonly windows = new Map<string, Window>();

  constructor(private readonly settings: MaSettings) {}

  apply(gradients: GradientMap): GradientMap {
    const { windowSize, lambda } = this.settings;
    const out: GradientMap = new Map();
    for (const [name, grad] of gradients) {
      const window = this.push(name, grad);
      if (window.items.length < windowSize) {
        out.set(name, grad);
        continue;
      }
      out.set(
        name,
        tf.tidy(() => tf.add(grad, tf.mul(tf.div(window.sum, window.items.length), lambda))),
      );
      grad.dispose();
    }
    return out;
  }

  private push(name: string, grad: Tensor): Window {
    const copy = ownCopy(grad);
    const window = this.windows.get(name);
    if (!window) {
      const created = { items: [copy], sum: ownCopy(grad) };
      this.windows.set(name, created);
      return created;
    }
    window.items.push(copy);
    const leaving = window.items.length > this.settings.windowSize ? window.items.shift() : undefined;
    const sum = tf.tidy(() => (leaving ? tf.sub(tf.add(window.sum, grad), leaving) : tf.add(window.sum, grad)));
    window.sum.dispose();
    leaving?.dispose();
    window.sum = tf.keep(sum);
    return window;
  }

  state(): Map<string, Tensor> {
    const state = new Map<string, Tensor>();
    for (const [name, window] of this.windows) {
      state.set(stateKey(name, SUM), window.sum);
      window.items.forEach((item, index) => state.set(stateKey(name, `${SLOT}${index}`), item));
    }
    return state;
  }

  loadState(state: Map<string, Tensor>): void {
    this.dispose();
    const slots = new Map<string, { sum?: Tensor; items: Tensor[] }>();
    for (const [key, tensor] of state) {
      const parsed = parseStateKey(key);
      const entry = parsed ? (slots.get(parsed.weight) ?? { items: [] }) : undefined;
      if (!parsed || !entry)
        throw new ForgeError(`grokfast-ma: unexpected saved state '${key}'`, { field: 'transform/grokfast-ma' });
      slots.set(parsed.weight, entry);
      if (parsed.slot === SUM) entry.sum = tensor;
      else if (parsed.slot.startsWith(SLOT)) entry.items[Number(parsed.slot.slice(SLOT.length))] = tensor;
      else throw new ForgeError(`grokfast-ma: unexpected saved state '${key}'`, { field: 'transform/grokfast-ma' });
    }
    for (const [name, { sum, items }] of slots) {
      const complete =
        items.length > 0 && items.length <= this.settings.windowSize && items.every((item) => item !== undefined);
      if (!sum || !complete)
        throw new ForgeError(
          `grokfast-ma: saved window of '${name}' is incomplete or longer than windowSize ${this.settings.windowSize}`,
          { field: 'transform/grokfast-ma' },
        );
      this.windows.set(name, { sum: tf.keep(sum.clone()), items: items.map((item) => tf.keep(item.clone())) });
    }
  }

  dispose(): void {
    for (const window of this.windows.values()) {
      window.sum.dispose();
      for (const item of window.items) item.dispose();
    }
    this.windows.clear();
  }
}

/**
 * Registry entry `ma`: g ← g + λ·mean(last w gradients), gradients unchanged until the window is full
 * (step ≥ w). State: w gradient copies plus their running sum per weight (≈ w× the model's fp32 size).
 */
export const maFilter: GradientFilter<MaSettings> = {
  name: 'ma',
  displayName: 'Grokfast-MA',
  referenceUrl: 'https://arxiv.org/abs/2405.20233',
  description: 'moving average of the last w gradients (Grokfast-MA; w = 100, λ = 5), applied once the window is full',
  settingsSchema: MaSettingsSchema,
  create: (settings) => new MaTransform(settings),
};
