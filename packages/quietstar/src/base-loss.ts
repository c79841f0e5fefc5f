/**
 * The input model's held-out loss at exactly the positions the evaluation thinks at. With
 * `thoughtPositions` the evaluation covers a window per batch, and positions differ in how predictable
 * they are (early ones see less context), so "before" must be measured on the same positions as "after".
 */
import { tf } from '@agent-forge/core';
import type { TinyTitan } from '@agent-forge/core';
import type { HeldOutWindows } from './evaluate.js';
import { tokenNll } from './objective.js';

/** NLL of every next token of every held-out window under `model`, `[rows, cols − 1]` row-major. */
export function positionNll(model: TinyTitan, windows: HeldOutWindows, batchSize = 4): Float32Array {
  const length = windows.cols - 1;
  const out = new Float32Array(windows.rows * length);
  for (let start = 0; start < windows.rows; start += batchSize) {
    const rows = Math.min(batchSize, windows.rows - start);
    const nll = tf.tidy(() => {
      const tokens = tf.tensor2d(
        windows.tokens.subarray(start * windows.cols, (start + rows) * windows.cols),
        [rows, windows.cols],
        'int32',
      );
      const inputs = tf.slice(tokens, [0, 0], [rows, length]) as tf.Tensor2D;
      const targets = tf.slice(tokens, [0, 1], [rows, length]) as tf.Tensor2D;
      return tokenNll(model.forward(inputs), targets);
    });
    out.set(nll.dataSync(), start * length);
    nll.dispose();
  }
  return out;
}

/** Mean of `nll` `[rows, length]` over positions `starts[row] … starts[row] + count − 1` of each row. */
export function meanAtPositions(nll: Float32Array, length: number, starts: readonly number[], count: number): number {
  let sum = 0;
  for (let row = 0; row < starts.length; row++) {
    for (let j = 0; j < count; j++) sum += nll[row * length + (starts[row] as number) + j] as number;
  }
  return starts.length && count ? sum / (starts.length * count) : Number.NaN;
}

/** `nll` `[rows, length]` at positions `starts[row] … starts[row] + count − 1` of each row, in row order. */
export function valuesAtPositions(
  nll: Float32Array,
  length: number,
  starts: readonly number[],
  count: number,
): Float32Array {
  const out = new Float32Array(starts.length * count);
  for (let row = 0; row < starts.length; row++) {
    const from = row * length + (starts[row] as number);
    out.set(nll.subarray(from, from + count), row * count);
  }
  return out;
}
