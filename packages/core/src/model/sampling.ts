/**
 * Choosing the next token from one row of logits, on the host in float64: a vocabulary row is at most a
 * few thousand numbers, and doing it here lets the seeded `Rng` drive the draw, so the same seed gives
 * the same text on every backend.
 */
import type { Rng } from '../rng/rng.js';

/** How `pickToken` chooses from a row of logits: greedy, or sampling with temperature and top-k. */
export interface SamplingOptions {
  /** 0 = greedy (argmax); otherwise logits are divided by it before the softmax. */
  readonly temperature: number;
  /** Sample only among the k highest logits; undefined = the whole vocabulary. */
  readonly topK?: number;
}

/** Index of the largest logit; the lowest index wins a tie. */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
  return best;
}

/** Indices of the k largest logits, largest first; ties keep the lower index first, as argmax does. */
function topIndices(logits: ArrayLike<number>, k: number): number[] {
  const indices = Array.from({ length: logits.length }, (_, i) => i);
  if (k >= logits.length) return indices;
  indices.sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
  return indices.slice(0, k);
}

/** The next token: argmax at temperature 0, else a draw from softmax(logits / temperature) over the top k. */
export function pickToken(logits: ArrayLike<number>, options: SamplingOptions, rng: Rng): number {
  if (options.temperature === 0) return argmax(logits);
  const candidates = topIndices(logits, options.topK ?? logits.length);
  const largest = candidates.reduce((max, i) => Math.max(max, logits[i] as number), -Infinity);
  // Subtracting the largest logit keeps exp() finite; the normalisation cancels it.
  const weights = candidates.map((i) => Math.exp(((logits[i] as number) - largest) / options.temperature));
  let remaining = rng.float() * weights.reduce((sum, weight) => sum + weight, 0);
  for (let i = 0; i < candidates.length; i++) {
    remaining -= weights[i] as number;
    if (remaining < 0) return candidates[i] as number;
  }
  // Float rounding can leave a sliver past the last weight; it belongs to the last candidate.
  return candidates[candidates.length - 1] as number;
}
