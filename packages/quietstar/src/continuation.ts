/**
 * The direct continuation: the t tokens the model would greedily write after each prefix x_{≤j} without
 * thinking (no start-of-thought marker), computed for every position at once on the same plain path as
 * the thoughts. Anti-theater check (1) compares thoughts with it: thoughts that merely repeat the text the
 * model would have written anyway add nothing a longer context would not.
 */
import { BYTE_OFFSET, tf } from '@agent-forge/core';
import { disposeKv, type LayerKv } from './thought-path.js';
import { disposeBase, type Thinker } from './thinker.js';
import { windowMask, type ThoughtWindow } from './window.js';

/**
 * Greedy continuations `[B, S, thoughtLength]` of the prefixes `inputs[:, ≤ j]` `[B, T]` for the positions
 * j of `window` (default every position, S = T); reserved ids excluded.
 */
export function directContinuation(
  thinker: Thinker,
  inputs: tf.Tensor2D,
  window: ThoughtWindow = { first: 0, length: inputs.shape[1] },
): Int32Array {
  const [batch, length] = inputs.shape;
  const steps = thinker.settings.thoughtLength;
  const base = thinker.base(inputs);
  const mask = windowMask(length, window);
  const own: LayerKv[][] = thinker.model.blocks.map(() => []);
  const columns: tf.Tensor2D[] = [];
  try {
    columns.push(
      tf.tidy(() =>
        greedy(
          thinker,
          window.length === length
            ? base.hidden
            : tf.slice(base.hidden, [0, window.first, 0], [batch, window.length, base.hidden.shape[2]]),
        ),
      ),
    );
    for (let step = 1; step < steps; step++) {
      const input = thinker.path.embed(columns[step - 1] as tf.Tensor2D, window.first + step);
      const hidden = thinker.path.thoughtStep(input, window.first, step, base.kv, mask, own);
      input.dispose();
      columns.push(greedy(thinker, hidden));
      hidden.dispose();
    }
    const stacked = tf.stack(columns, 2);
    const tokens = Int32Array.from(stacked.dataSync());
    stacked.dispose();
    if (tokens.length !== batch * window.length * steps) throw new Error('unexpected continuation shape');
    return tokens;
  } finally {
    for (const column of columns) column.dispose();
    for (const layer of own) disposeKv(layer);
    mask?.dispose();
    disposeBase(base);
  }
}

function greedy(thinker: Thinker, hidden: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const logits = thinker.path.project(hidden);
    const reserved = new Float32Array(thinker.model.config.vocabSize).fill(-1e9, 0, BYTE_OFFSET);
    return tf.argMax(tf.add(logits, tf.tensor1d(reserved)), -1).toInt() as tf.Tensor2D;
  });
}

/** Share of thought tokens equal to the continuation token at the same index, and of identical thoughts. */
export function continuationOverlap(
  thoughts: Int32Array,
  continuation: Int32Array,
  shape: { batch: number; thoughts: number; length: number },
  thoughtLength: number,
): {
  /** Share (0–1) of thought tokens equal to the continuation token at the same index. */
  tokenMatch: number;
  /** Share (0–1) of thoughts identical to their position's continuation, token for token. */
  exactMatch: number;
} {
  const { batch, thoughts: count, length } = shape;
  let tokenMatches = 0;
  let exact = 0;
  for (let n = 0; n < count; n++) {
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < length; j++) {
        const thoughtStart = ((n * batch + b) * length + j) * thoughtLength;
        const continuationStart = (b * length + j) * thoughtLength;
        let same = 0;
        for (let i = 0; i < thoughtLength; i++)
          if (thoughts[thoughtStart + i] === continuation[continuationStart + i]) same++;
        tokenMatches += same;
        if (same === thoughtLength) exact++;
      }
    }
  }
  const rows = count * batch * length;
  return { tokenMatch: tokenMatches / Math.max(1, rows * thoughtLength), exactMatch: exact / Math.max(1, rows) };
}
