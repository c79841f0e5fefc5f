import { packTokenStream, windowCount } from '../data/pack.js';
import type { TokenWindows } from '../data/token-windows.js';
import { SPECIAL_IDS } from '../data/tokenizer/special-tokens.js';
import { ForgeError } from '../errors.js';

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

/**
 * The check set a phase chooses the model to hand on with: windows `reportedRows … 2·reportedRows − 1` of the
 * same held-out stream (fewer when the stream is shorter). Window r starts at token r·contextLength, so these
 * predict none of the tokens the first `reportedRows` windows predict: choosing the lowest loss on the very
 * positions that are then reported would flatter the chosen model by a selection bias the size of the noise.
 * Throws a ForgeError naming `field` when the held-out data has no window left after the reported ones.
 */
export function checkSetWindows(
  documents: ReadonlyArray<ArrayLike<number>>,
  contextLength: number,
  reportedRows: number,
  field: string,
): TokenWindows {
  const all = heldOutWindows(documents, contextLength, SPECIAL_IDS.eos, 2 * reportedRows);
  const rows = all.rows - reportedRows;
  if (rows < 1) {
    throw new ForgeError(
      `${field} chooses the model on held-out windows after the ${reportedRows} reported ones (evalWindows), and the held-out data has none left: give more data, lower evalWindows or set ${field} to false`,
      { field },
    );
  }
  return { tokens: all.tokens.slice(reportedRows * all.cols), rows, cols: all.cols };
}
