import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng/rng.js';
import { learnMerges, mergeSymbols, type TrainingWord } from '../../src/data/tokenizer/learn-merges.js';

/**
 * Textbook BPE: recount every pair from scratch before each merge. Slow but obviously right, so
 * the incremental trainer must produce exactly the same merges (same tie-break: highest count,
 * then smallest left id, then smallest right id).
 */
function referenceMerges(
  words: TrainingWord[],
  firstId: number,
  maxMerges: number,
  minPairCount: number,
): Array<[number, number]> {
  const symbols = words.map((w) => [...w.symbols]);
  const merges: Array<[number, number]> = [];
  while (merges.length < maxMerges) {
    const counts = new Map<string, number>();
    symbols.forEach((s, w) => {
      for (let i = 0; i + 1 < s.length; i++) {
        const key = `${s[i]},${s[i + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + (words[w] as TrainingWord).count);
      }
    });
    let best: [number, number] | undefined;
    let bestCount = 0;
    for (const [key, count] of counts) {
      const [a, b] = key.split(',').map(Number) as [number, number];
      const better =
        count > bestCount ||
        (count === bestCount && best !== undefined && (a < best[0] || (a === best[0] && b < best[1])));
      if (better) {
        best = [a, b];
        bestCount = count;
      }
    }
    if (best === undefined || bestCount < minPairCount) break;
    const newId = firstId + merges.length;
    merges.push(best);
    for (let w = 0; w < symbols.length; w++) symbols[w] = mergeSymbols(symbols[w] as number[], best[0], best[1], newId);
  }
  return merges;
}

function randomWords(seed: number, alphabet: number): TrainingWord[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: 300 }, () => ({
    symbols: Array.from({ length: rng.int(2, 9) }, () => rng.int(0, alphabet - 1)),
    count: rng.int(1, 20),
  }));
}

describe('learnMerges (incremental pair counts)', () => {
  it.each([1, 2, 3, 4])('matches from-scratch BPE exactly on random corpus %i', (seed) => {
    // A 3-letter alphabet forces repeats like "aaa" (overlapping pairs), the classic incremental-count bug.
    const words = randomWords(seed, seed % 2 === 0 ? 3 : 6);
    const expected = referenceMerges(words, 1000, 150, 2);
    const actual = learnMerges(
      words.map((w) => ({ symbols: [...w.symbols], count: w.count })),
      { firstId: 1000, maxMerges: 150, minPairCount: 2 },
    );
    expect(expected.length).toBeGreaterThan(20);
    expect(actual).toEqual(expected);
  });

  it('merges runs left to right without overlap', () => {
    expect(mergeSymbols([1, 1, 1], 1, 1, 9)).toEqual([9, 1]);
    expect(mergeSymbols([1, 1, 1, 1], 1, 1, 9)).toEqual([9, 9]);
    expect(mergeSymbols([2, 1, 3], 1, 1, 9)).toEqual([2, 1, 3]);
  });
});
