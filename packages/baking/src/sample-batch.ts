/**
 * Seeded sampling of many continuations at once: prefixes of equal length share one KV cache, so a
 * group of B rows costs one prefill and one `[B, 1]` step per token instead of B of each. Row i draws
 * from its own `Rng.fromSeed(seed + i)`, so its tokens do not depend on how rows are grouped; a row
 * that has stopped keeps being fed (its outputs are ignored) until the whole group is done.
 */
import { Rng, pickToken, tf } from '@agent-forge/core';
import type { KvCache, TinyTitan } from '@agent-forge/core';

/** Settings of {@link sampleContinuations}. */
export interface BatchSampling {
  /** Most tokens generated per row (fewer when a stop token or the context end comes first). */
  readonly maxNewTokens: number;
  /** 0 decodes greedily. */
  readonly temperature: number;
  /** Sample among the k most likely tokens only; unset: the whole vocabulary. */
  readonly topK?: number;
  /** Row i uses seed + i. */
  readonly seed: number;
  /** A row ends after emitting one of these (kept in its output). */
  readonly stopTokens: readonly number[];
  /** Rows per group (default 16). */
  readonly groupSize?: number;
}

/** Feeds `rows` through `cache` and reads back each row's last-position logits. */
async function lastLogits(
  model: TinyTitan,
  cache: KvCache,
  rows: readonly (readonly number[])[],
): Promise<Float32Array[]> {
  const width = (rows[0] as readonly number[]).length;
  const vocab = model.config.vocabSize;
  const last = tf.tidy(() => {
    const logits = model.forwardStep(tf.tensor2d(rows.flat(), [rows.length, width], 'int32'), cache);
    return tf.slice(logits, [0, width - 1, 0], [rows.length, 1, vocab]);
  });
  try {
    const values = (await last.data()) as Float32Array;
    return rows.map((_, r) => values.subarray(r * vocab, (r + 1) * vocab));
  } finally {
    last.dispose();
  }
}

async function sampleGroup(
  model: TinyTitan,
  prefixes: readonly (readonly number[])[],
  indices: readonly number[],
  settings: BatchSampling,
): Promise<number[][]> {
  const stop = new Set(settings.stopTokens);
  const rngs = indices.map((index) => Rng.fromSeed(settings.seed + index));
  const outputs: number[][] = indices.map(() => []);
  const done = indices.map(() => settings.maxNewTokens === 0);
  const cache = model.createCache();
  try {
    let logits = await lastLogits(model, cache, prefixes);
    for (;;) {
      const fed: number[][] = [];
      logits.forEach((row, r) => {
        if (done[r]) return fed.push([outputs[r]?.at(-1) ?? 0]);
        const token = pickToken(row, settings, rngs[r] as Rng);
        (outputs[r] as number[]).push(token);
        done[r] = stop.has(token) || (outputs[r] as number[]).length >= settings.maxNewTokens;
        return fed.push([token]);
      });
      // Like core's generate: stop when the next token would need a position past the context.
      if (done.every(Boolean) || cache.length >= model.config.contextLength) return outputs;
      logits = await lastLogits(model, cache, fed);
    }
  } finally {
    cache.dispose();
  }
}

/** One continuation per prefix (each 1 … contextLength tokens), in prefix order. */
export async function sampleContinuations(
  model: TinyTitan,
  prefixes: readonly (readonly number[])[],
  settings: BatchSampling,
): Promise<number[][]> {
  const byLength = new Map<number, number[]>();
  prefixes.forEach((prefix, index) => byLength.set(prefix.length, [...(byLength.get(prefix.length) ?? []), index]));
  const results: number[][] = new Array<number[]>(prefixes.length);
  const groupSize = settings.groupSize ?? 16;
  for (const indices of byLength.values()) {
    for (let start = 0; start < indices.length; start += groupSize) {
      const group = indices.slice(start, start + groupSize);
      const outputs = await sampleGroup(
        model,
        group.map((index) => prefixes[index] as number[]),
        group,
        settings,
      );
      group.forEach((index, k) => (results[index] = outputs[k] as number[]));
    }
  }
  return results;
}
