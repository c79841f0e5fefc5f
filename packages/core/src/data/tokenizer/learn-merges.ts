import { PairHeap } from './pair-heap.js';
import { pairKey, pairLeft, pairRight } from './pair-key.js';

/** One unique pre-token word during training: its current symbols and how often it occurs. */
interface TrainingWord {
  symbols: number[];
  readonly count: number;
}

export interface LearnMergesOptions {
  /** Id given to the first learned token; merge i creates id `firstId + i`. */
  readonly firstId: number;
  readonly maxMerges: number;
  /** Pairs seen fewer times than this are not worth a vocab slot; training stops there. */
  readonly minPairCount: number;
}

/**
 * Classic BPE over a word-frequency table, with incremental pair counts: after each merge only
 * the words that contain the merged pair are rewritten, and only the pair counts they touch move.
 * That makes training cost proportional to the text a merge affects, not to the whole corpus.
 */
export function learnMerges(words: readonly TrainingWord[], options: LearnMergesOptions): Array<[number, number]> {
  const state = buildPairTables(words);
  const merges: Array<[number, number]> = [];
  while (merges.length < options.maxMerges) {
    const top = state.heap.pop();
    if (top === undefined) break;
    const current = state.counts.get(top.key);
    if (current !== top.count) continue; // stale entry: a fresher one was pushed when the count moved
    if (current < options.minPairCount) break;
    const pair = decodePair(top.key);
    merges.push(pair);
    applyMerge(state, words, pair, options.firstId + merges.length - 1);
  }
  return merges;
}

interface PairTables {
  readonly counts: Map<number, number>;
  /** Which words (by index) may contain each pair; a superset, checked when used. */
  readonly wordsWithPair: Map<number, Set<number>>;
  readonly heap: PairHeap;
}

function buildPairTables(words: readonly TrainingWord[]): PairTables {
  const counts = new Map<number, number>();
  const wordsWithPair = new Map<number, Set<number>>();
  words.forEach((word, index) => {
    const { symbols, count } = word;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = pairKey(symbols[i] as number, symbols[i + 1] as number);
      counts.set(key, (counts.get(key) ?? 0) + count);
      addWordToPair(wordsWithPair, key, index);
    }
  });
  const heap = new PairHeap();
  for (const [key, count] of counts) heap.push(count, key);
  return { counts, wordsWithPair, heap };
}

function addWordToPair(wordsWithPair: Map<number, Set<number>>, key: number, index: number): void {
  let set = wordsWithPair.get(key);
  if (set === undefined) {
    set = new Set();
    wordsWithPair.set(key, set);
  }
  set.add(index);
}

function decodePair(key: number): [number, number] {
  return [pairLeft(key), pairRight(key)];
}

function applyMerge(state: PairTables, words: readonly TrainingWord[], pair: [number, number], newId: number): void {
  const [left, right] = pair;
  const mergedKey = pairKey(left, right);
  const affected = state.wordsWithPair.get(mergedKey) ?? new Set<number>();
  state.wordsWithPair.delete(mergedKey);
  const deltas = new Map<number, number>();
  for (const index of affected) {
    const word = words[index] as TrainingWord;
    const merged = mergeSymbols(word.symbols, left, right, newId);
    if (merged.length === word.symbols.length) continue;
    addPairDeltas(deltas, word.symbols, -word.count);
    addPairDeltas(deltas, merged, word.count);
    for (let i = 0; i + 1 < merged.length; i++) {
      const a = merged[i] as number;
      const b = merged[i + 1] as number;
      if (a === newId || b === newId) addWordToPair(state.wordsWithPair, pairKey(a, b), index);
    }
    word.symbols = merged;
  }
  for (const [key, delta] of deltas) {
    if (delta === 0) continue;
    const count = (state.counts.get(key) ?? 0) + delta;
    if (count > 0) {
      state.counts.set(key, count);
      state.heap.push(count, key);
    } else {
      state.counts.delete(key);
    }
  }
}

function addPairDeltas(deltas: Map<number, number>, symbols: readonly number[], amount: number): void {
  for (let i = 0; i + 1 < symbols.length; i++) {
    const key = pairKey(symbols[i] as number, symbols[i + 1] as number);
    deltas.set(key, (deltas.get(key) ?? 0) + amount);
  }
}

/** Left-to-right, non-overlapping replacement of (left, right) by `newId` ("aaa" → "Xa"). */
export function mergeSymbols(symbols: readonly number[], left: number, right: number, newId: number): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < symbols.length) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out.push(newId);
      i += 2;
    } else {
      out.push(symbols[i] as number);
      i += 1;
    }
  }
  return out;
}

export type { TrainingWord };
