import { packTokenStream, windowCount } from '../data/pack.js';
import type { TokenWindows } from '../data/token-windows.js';

/**
 * Held-out documents as consecutive, non-overlapping evaluation windows `[rows, context + 1]`
 * (documents joined by `<eos>` in their given order, no shuffling), at most `maxRows` of them: window r
 * starts at token r·contextLength of the joined stream, so as many full windows as the stream holds.
 */
export function heldOutWindows(
  documents: ReadonlyArray<ArrayLike<number>>,
  contextLength: number,
  eosId: number,
  maxRows = Number.POSITIVE_INFINITY,
): TokenWindows {
  const order = Int32Array.from(documents.keys());
  const stream = packTokenStream(documents, order, eosId);
  const rows = Math.min(maxRows, windowCount(stream.length, contextLength));
  const cols = contextLength + 1;
  const tokens = new Int32Array(rows * cols);
  for (let row = 0; row < rows; row++)
    tokens.set(stream.subarray(row * contextLength, row * contextLength + cols), row * cols);
  return { tokens, rows, cols };
}
