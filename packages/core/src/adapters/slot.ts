/**
 * The switchable low-rank slot around one linear layer (Hu et al. 2021, LoRA):
 *
 *   y = inner(x) + (active ? (x·A)·B·(alpha/rank) : 0)
 *
 * A slot holds any number of named adapters (A `[in, rank]`, B `[rank, out]`) and at most one is
 * active, so switching persona is a pointer change, not a weight copy. The inner layer — dense or
 * BitNet's BitLinear — is untouched: its weights stay the model's, and the adapter weights never
 * appear in `model.namedWeights()`, so a checkpoint of the model is still the base model.
 */
import { tf } from '../backend/tf.js';
import { applyMatrix, type Linear } from '../model/linear.js';

/** One adapter's matrices on one layer. */
export interface LoraPair {
  /** Down-projection `[in, rank]`, initialised N(0, 1/in). */
  readonly a: tf.Variable;
  /** Up-projection `[rank, out]`, initialised to 0 so a fresh adapter changes nothing. */
  readonly b: tf.Variable;
  /** alpha / rank. */
  readonly scale: number;
}

/**
 * One linear layer wrapped with switchable adapters: `y = inner(x) + (x·A)·B·scale` for the active
 * pair, `inner(x)` when none is. Owns its pairs' variables.
 */
export class LoraSlot {
  private readonly pairs = new Map<string, LoraPair>();
  private activePair: LoraPair | null = null;

  /** @param inner The wrapped layer (dense or BitLinear); its weights stay the model's and are never changed here. */
  constructor(readonly inner: Linear) {}

  /** The wrapped layer's name, e.g. `blocks.0.attn.q`. */
  get name(): string {
    return this.inner.name;
  }

  /** Names of the adapters this slot holds. */
  get adapterNames(): string[] {
    return [...this.pairs.keys()];
  }

  /** The pair that `apply` adds, or null when the slot passes through to `inner`. */
  get active(): LoraPair | null {
    return this.activePair;
  }

  /** The matrices of `adapter` on this layer, or undefined when the slot has none by that name. */
  pair(adapter: string): LoraPair | undefined {
    return this.pairs.get(adapter);
  }

  /** Takes ownership of the pair's variables. */
  add(adapter: string, pair: LoraPair): void {
    this.remove(adapter);
    this.pairs.set(adapter, pair);
  }

  /** Disposes the adapter's variables; deactivates it if it was active. */
  remove(adapter: string): void {
    const pair = this.pairs.get(adapter);
    if (!pair) return;
    if (this.activePair === pair) this.activePair = null;
    pair.a.dispose();
    pair.b.dispose();
    this.pairs.delete(adapter);
  }

  /** Activates `adapter`, or none with null or when this slot has no such adapter. */
  activate(adapter: string | null): void {
    this.activePair = adapter === null ? null : (this.pairs.get(adapter) ?? null);
  }

  /** The layer's output for `x` (`[..., in]` → `[..., out]`), with the active adapter's update added. */
  apply(x: tf.Tensor): tf.Tensor {
    const pair = this.activePair;
    if (!pair) return this.inner.apply(x);
    return tf.tidy(() => {
      const delta = applyMatrix(applyMatrix(x, pair.a as tf.Variable<tf.Rank.R2>), pair.b as tf.Variable<tf.Rank.R2>);
      return tf.add(this.inner.apply(x), tf.mul(delta, pair.scale));
    });
  }

  /** Removes and frees every adapter on this slot; the inner layer is not disposed. */
  dispose(): void {
    for (const adapter of this.adapterNames) this.remove(adapter);
  }
}
