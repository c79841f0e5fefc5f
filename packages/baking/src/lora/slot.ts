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
import { applyMatrix, tf } from '@agent-forge/core';
import type { Linear } from '@agent-forge/core';

/** One adapter's matrices on one layer. */
export interface LoraPair {
  readonly a: tf.Variable;
  readonly b: tf.Variable;
  /** alpha / rank. */
  readonly scale: number;
}

export class LoraSlot {
  private readonly pairs = new Map<string, LoraPair>();
  private activePair: LoraPair | null = null;

  constructor(readonly inner: Linear) {}

  get name(): string {
    return this.inner.name;
  }

  /** Names of the adapters this slot holds. */
  get adapterNames(): string[] {
    return [...this.pairs.keys()];
  }

  get active(): LoraPair | null {
    return this.activePair;
  }

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

  apply(x: tf.Tensor): tf.Tensor {
    const pair = this.activePair;
    if (!pair) return this.inner.apply(x);
    return tf.tidy(() => {
      const delta = applyMatrix(applyMatrix(x, pair.a as tf.Variable<tf.Rank.R2>), pair.b as tf.Variable<tf.Rank.R2>);
      return tf.add(this.inner.apply(x), tf.mul(delta, pair.scale));
    });
  }

  dispose(): void {
    for (const adapter of this.adapterNames) this.remove(adapter);
  }
}
