import { BpeTokenizer } from './bpe-tokenizer.js';
import { learnMerges, type TrainingWord } from './learn-merges.js';
import { MAX_VOCAB_SIZE } from './pair-key.js';
import { pretokenize } from './pretokenize.js';
import { BYTE_OFFSET, FIRST_MERGE_ID } from './special-tokens.js';

/** Options of `trainBpe`. */
export interface TrainBpeOptions {
  /**
   * Target vocabulary size, reserved tokens and the 256 bytes included. Training stops earlier
   * when no pair occurs `minPairCount` times; read `tokenizer.vocabSize` for the size obtained.
   */
  readonly vocabSize: number;
  /** Default 2: a pair seen once saves nothing on the training text. */
  readonly minPairCount?: number;
}

/** Learns a byte-level BPE tokenizer from documents (one string, or many). */
export function trainBpe(corpus: string | Iterable<string>, options: TrainBpeOptions): BpeTokenizer {
  const { vocabSize } = options;
  const minPairCount = options.minPairCount ?? 2;
  if (!Number.isInteger(vocabSize) || vocabSize < FIRST_MERGE_ID || vocabSize > MAX_VOCAB_SIZE) {
    throw new RangeError(`vocabSize must be an integer in [${FIRST_MERGE_ID}, ${MAX_VOCAB_SIZE}], got ${vocabSize}`);
  }
  if (!Number.isInteger(minPairCount) || minPairCount < 1) {
    throw new RangeError(`minPairCount must be a positive integer, got ${minPairCount}`);
  }
  const words = countWords(typeof corpus === 'string' ? [corpus] : corpus);
  const merges = learnMerges(words, { firstId: FIRST_MERGE_ID, maxMerges: vocabSize - FIRST_MERGE_ID, minPairCount });
  return new BpeTokenizer(merges);
}

/** The word-frequency table: BPE works on unique words, so repeated text costs nothing extra. */
function countWords(documents: Iterable<string>): TrainingWord[] {
  const counts = new Map<string, number>();
  for (const document of documents) {
    for (const word of pretokenize(document)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const encoder = new TextEncoder();
  const words: TrainingWord[] = [];
  for (const [word, count] of counts) {
    const symbols = Array.from(encoder.encode(word), (b) => b + BYTE_OFFSET);
    // One-symbol words hold no pair; dropping them shrinks the tables without changing merges.
    if (symbols.length > 1) words.push({ symbols, count });
  }
  return words;
}
