import { z } from 'zod';
import { ForgeError } from '../errors.js';
import { Rng } from '../rng/rng.js';
import { copyWindow, packTokenStream, windowCount } from './pack.js';

/** How `BatchIterator` packs and orders documents into rows. */
export interface BatchIteratorOptions {
  /** Rows per batch; a positive integer. */
  readonly batchSize: number;
  /** Tokens the model sees per row; rows hold contextLength + 1 so targets are the shift by one. */
  readonly contextLength: number;
  /** Integer seed of the epoch shuffles; the same seed gives the same batches on every machine. */
  readonly seed: number;
  /** Separator appended after every document. */
  readonly eosId: number;
  /** Default true: shuffle document order and window order each epoch (seeded). */
  readonly shuffle?: boolean;
}

/** Where the iterator stands: plain JSON, saved with a checkpoint for an exact resume. */
export const batchPositionSchema = z.object({
  /** Zero-based epoch (pass over the documents) the next window belongs to; each epoch has its own seeded order. */
  epoch: z.number().int().nonnegative(),
  /** Index, within the epoch's window order, of the next window to hand out. */
  window: z.number().int().nonnegative(),
});
/** Epoch and next window of a BatchIterator; save it with a checkpoint and pass it back to resume the same stream. */
export type BatchPosition = z.infer<typeof batchPositionSchema>;

/** One batch: `tokens` is row-major [batchSize, width] with width = contextLength + 1. */
export interface TokenBatch {
  /** Token ids, row-major `[batchSize, width]`; each row is `contextLength` inputs plus the next-token target. */
  readonly tokens: Int32Array;
  /** Rows in `tokens`. */
  readonly batchSize: number;
  /** Tokens per row: contextLength + 1. */
  readonly width: number;
  /** Epoch of the batch's first row. */
  readonly epoch: number;
}

interface EpochLayout {
  readonly epoch: number;
  readonly stream: Int32Array;
  readonly windowOrder: Int32Array;
}

/**
 * Endless, deterministic batches: epoch e packs the documents in an order drawn from
 * (seed, e) alone, so any position can be rebuilt without replaying earlier epochs.
 */
export class BatchIterator {
  private readonly documents: ReadonlyArray<ArrayLike<number>>;
  private readonly options: BatchIteratorOptions;
  private layout: EpochLayout;
  private window: number;

  constructor(
    documents: ReadonlyArray<ArrayLike<number>>,
    options: BatchIteratorOptions,
    position: BatchPosition = { epoch: 0, window: 0 },
  ) {
    checkOptions(options);
    if (documents.length === 0) throw new ForgeError('no documents to batch');
    this.documents = documents;
    this.options = options;
    const { epoch, window } = parsePosition(position);
    this.layout = this.buildEpoch(epoch);
    if (window > this.layout.windowOrder.length) {
      throw new ForgeError(
        `position window ${window} is past the ${this.layout.windowOrder.length} windows of epoch ${epoch}`,
        {
          field: 'window',
        },
      );
    }
    this.window = window;
  }

  /** Copy of the current position; pass it to the constructor to continue from here. */
  get position(): BatchPosition {
    return { epoch: this.layout.epoch, window: this.window };
  }

  /** Windows (rows) per epoch for the current epoch; epochs differ slightly as packing differs. */
  get windowsInEpoch(): number {
    return this.layout.windowOrder.length;
  }

  /** The next `batchSize` windows, rolling into a new (reshuffled) epoch when this one runs out. */
  nextBatch(): TokenBatch {
    const { batchSize, contextLength } = this.options;
    const width = contextLength + 1;
    const tokens = new Int32Array(batchSize * width);
    let firstEpoch: number | undefined;
    for (let row = 0; row < batchSize; row++) {
      if (this.window >= this.layout.windowOrder.length) {
        this.layout = this.buildEpoch(this.layout.epoch + 1);
        this.window = 0;
      }
      firstEpoch ??= this.layout.epoch;
      const index = this.layout.windowOrder[this.window++] as number;
      copyWindow(this.layout.stream, index, contextLength, tokens, row * width);
    }
    return { tokens, batchSize, width, epoch: firstEpoch ?? this.layout.epoch };
  }

  private buildEpoch(epoch: number): EpochLayout {
    const shuffle = this.options.shuffle ?? true;
    const rng = Rng.fromSeed(this.options.seed).fork(`epoch-${epoch}`);
    const documentIndices = Array.from({ length: this.documents.length }, (_, i) => i);
    const order = shuffle ? rng.shuffle(documentIndices) : documentIndices;
    const stream = packTokenStream(this.documents, order, this.options.eosId);
    const windows = windowCount(stream.length, this.options.contextLength);
    if (windows === 0) {
      throw new ForgeError(
        `the data holds ${stream.length} tokens, fewer than one window of ${this.options.contextLength + 1}; use more data or a shorter context`,
        { field: 'contextLength' },
      );
    }
    const windowIndices = Array.from({ length: windows }, (_, i) => i);
    return { epoch, stream, windowOrder: Int32Array.from(shuffle ? rng.shuffle(windowIndices) : windowIndices) };
  }
}

function checkOptions(options: BatchIteratorOptions): void {
  const positive: Array<[keyof BatchIteratorOptions, number]> = [
    ['batchSize', options.batchSize],
    ['contextLength', options.contextLength],
  ];
  for (const [field, value] of positive) {
    if (!Number.isInteger(value) || value < 1)
      throw new ForgeError(`must be a positive integer, got ${value}`, { field });
  }
  if (!Number.isInteger(options.seed))
    throw new ForgeError(`must be an integer, got ${options.seed}`, { field: 'seed' });
}

function parsePosition(position: unknown): BatchPosition {
  const parsed = batchPositionSchema.safeParse(position);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ForgeError(`invalid batch position: ${issue?.message ?? 'unknown problem'}`, {
    field: issue?.path.length ? issue.path.map(String).join('.') : 'position',
  });
}
