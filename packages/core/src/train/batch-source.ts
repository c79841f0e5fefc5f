import { BatchIterator, batchPositionSchema } from '../data/batch-iterator.js';
import type { BatchIteratorOptions } from '../data/batch-iterator.js';
import { ForgeError } from '../errors.js';
import { parseConfig } from '../phase/config.js';
import type { BatchSource } from './loop.js';

/**
 * Training batches from tokenized documents: packed, shuffled `[batchSize, context + 1]` windows
 * whose position (epoch, window) is the saved state, so a resume continues with the same batches.
 */
export function documentBatchSource(
  documents: ReadonlyArray<ArrayLike<number>>,
  options: BatchIteratorOptions,
): BatchSource {
  let iterator = new BatchIterator(documents, options);
  return {
    next(rows) {
      if (rows !== options.batchSize)
        throw new ForgeError(`batch source was built for ${options.batchSize} rows, asked for ${rows}`, {
          field: 'batchSize',
        });
      const batch = iterator.nextBatch();
      return { tokens: batch.tokens, rows: batch.batchSize, cols: batch.width };
    },
    getState: () => iterator.position,
    setState(state) {
      iterator = new BatchIterator(
        documents,
        options,
        parseConfig(batchPositionSchema, state, { prefix: 'dataState' }),
      );
    },
  };
}
