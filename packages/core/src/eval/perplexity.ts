import { tf } from '../backend/tf.js';
import type { Scalar, Tensor2D } from '../backend/tf.js';
import type { TokenWindows } from '../data/token-windows.js';

/** Anything with a mean next-token loss over `[B, T+1]` token rows (TinyTitan and its variants). */
export interface LossModel {
  /** Mean next-token cross-entropy (nats) of int32 rows `[B, T+1]`: positions 0..T-1 predict 1..T. */
  loss(tokens: Tensor2D): Scalar;
}

/**
 * Perplexity = exp(mean next-token cross-entropy) over held-out windows `[rows, cols]`
 * (cols = context + 1), evaluated `batchSize` rows at a time. Every row has the same number of
 * targets, so the mean of per-batch means weighted by rows is the mean over all tokens.
 */
export function perplexity(
  model: LossModel,
  windows: TokenWindows,
  batchSize = 8,
): {
  /** exp(`loss`); lower is better, 1 is perfect. */
  perplexity: number;
  /** Mean next-token cross-entropy over every target of every window, in nats per token. */
  loss: number;
} {
  let lossSum = 0;
  for (let start = 0; start < windows.rows; start += batchSize) {
    const rows = Math.min(batchSize, windows.rows - start);
    const slice = windows.tokens.subarray(start * windows.cols, (start + rows) * windows.cols);
    const loss = tf.tidy(() => model.loss(tf.tensor2d(slice, [rows, windows.cols], 'int32')));
    lossSum += (loss.dataSync()[0] ?? Number.NaN) * rows;
    loss.dispose();
  }
  const mean = lossSum / windows.rows;
  return { perplexity: Math.exp(mean), loss: mean };
}
