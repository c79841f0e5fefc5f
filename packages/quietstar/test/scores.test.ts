import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, SPECIAL_IDS, argmax, perplexity, tf, useBackend } from '@agent-forge/core';
import {
  centredByPosition,
  continuationOverlap,
  directContinuation,
  evaluateThoughts,
  generateWithThoughts,
  pearson,
  quietStarObjective,
  shuffledThoughts,
  thoughtDiversity,
} from '../src/index.js';
import { meanAtPositions, positionNll } from '../src/base-loss.js';
import { microThinker, randomTokens } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('anti-theater measurements', () => {
  it('the direct continuation is what greedy decoding of each prefix writes', () => {
    const thinker = microThinker({ thoughtLength: 3 });
    const tokens = randomTokens(7, 1, 6, 320);
    const continuation = directContinuation(thinker, tokens);
    const host = Array.from(tokens.dataSync());
    for (let j = 0; j < 6; j++) {
      const sequence = host.slice(0, j + 1);
      for (let i = 0; i < 3; i++) {
        const logits = thinker.model
          .forward(tf.tensor2d(sequence, [1, sequence.length], 'int32'))
          .arraySync()[0] as number[][];
        const next = argmax((logits[sequence.length - 1] as number[]).map((v, id) => (id < 24 ? -Infinity : v)));
        expect(continuation[j * 3 + i]).toBe(next);
        sequence.push(next);
      }
    }
    thinker.dispose();
  });

  it('scores overlap, diversity and correlation on hand examples', () => {
    const shape = { batch: 1, thoughts: 2, length: 2 };
    // Thought rows: n0 j0 = [5,6], n0 j1 = [7,8], n1 j0 = [5,6], n1 j1 = [9,8]; continuation j0 = [5,6], j1 = [7,1].
    const thoughts = Int32Array.from([5, 6, 7, 8, 5, 6, 9, 8]);
    const overlap = continuationOverlap(thoughts, Int32Array.from([5, 6, 7, 1]), shape, 2);
    expect(overlap.tokenMatch).toBeCloseTo(5 / 8);
    expect(overlap.exactMatch).toBeCloseTo(2 / 4);
    const diversity = thoughtDiversity(thoughts, shape, 2);
    expect(diversity.distinctPositions).toBeCloseTo(1 / 2);
    expect(diversity.distinct2).toBeCloseTo(3 / 4);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1);
  });

  it("swaps each thought for another position's of the same row and sample (the content control)", () => {
    // Rows n·B + b, positions j, thoughts of 2 tokens: a thought is [10·row + j, 10·row + j].
    const shape = { batch: 2, thoughts: 2, length: 4 };
    const thoughts = Int32Array.from(
      { length: 2 * 2 * 4 * 2 },
      (_, i) => 10 * Math.floor(i / 8) + (Math.floor(i / 2) % 4),
    );
    const shuffled = shuffledThoughts(thoughts, shape, 2);
    for (let row = 0; row < 4; row++) {
      const own = Array.from({ length: 4 }, (_, j) => 10 * row + j);
      const got = Array.from({ length: 4 }, (_, j) => shuffled[(row * 4 + j) * 2] as number);
      expect(got).toEqual([2, 3, 0, 1].map((j) => 10 * row + j)); // position j gets position (j + 2) mod 4
      expect([...got].sort((a, b) => a - b)).toEqual(own); // the same thoughts, none left in place
    }
    expect(Array.from(shuffled.filter((_, i) => i % 2 === 1))).toEqual(
      Array.from(shuffled.filter((_, i) => i % 2 === 0)),
    );
  });

  it('evaluates a window of positions per held-out batch, continuations of the same window', () => {
    const thinker = microThinker({ thoughtLength: 2, thoughtPositions: 3 });
    const inputs = randomTokens(11, 2, 9, 320);
    const full = directContinuation(thinker, inputs);
    const windowed = directContinuation(thinker, inputs, { first: 4, length: 3 });
    // [B, T, L] → rows b, positions 4 … 6: the same greedy tokens as the full computation gives there.
    expect(Array.from(windowed)).toEqual(
      [0, 1].flatMap((b) => Array.from(full.subarray((b * 9 + 4) * 2, (b * 9 + 7) * 2))),
    );
    const tokens = randomTokens(9, 3, 13, 320);
    const evaluation = evaluateThoughts(
      thinker,
      { tokens: tokens.dataSync() as Int32Array, rows: 3, cols: 13 },
      { batchSize: 2 },
    );
    expect(evaluation.positions).toBe(3 * 2 * 3);
    for (const value of [
      evaluation.lossWithThoughts,
      evaluation.lossWithShuffledThoughts,
      evaluation.continuationTokenMatch,
      evaluation.distinct2,
    ])
      expect(Number.isFinite(value)).toBe(true);
    thinker.dispose();
  });

  it("measures the input model's loss at the positions the evaluation thought at", () => {
    expect(meanAtPositions(Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]), 4, [1, 2], 2)).toBeCloseTo(
      (2 + 3 + 30 + 40) / 4,
      6,
    );
    const thinker = microThinker();
    const tokens = randomTokens(10, 3, 13, 320);
    const windows = { tokens: tokens.dataSync() as Int32Array, rows: 3, cols: 13 };
    const nll = positionNll(thinker.model, windows, 2);
    expect(meanAtPositions(nll, 12, [0, 0, 0], 12)).toBeCloseTo(perplexity(thinker.model, windows).loss, 4);
    thinker.dispose();
  });

  it("centres each score on the mean of its position's thoughts", () => {
    // batch 1, 2 thoughts, 2 positions: rows n0 = [1, 10], n1 = [3, 30].
    const centred = centredByPosition(Float32Array.from([1, 10, 3, 30]), { batch: 1, thoughts: 2, length: 2 });
    expect(Array.from(centred)).toEqual([-1, -10, 1, 10]);
  });

  it('keeps every coherence score in its range', () => {
    const thinker = microThinker({ nTrue: 1 });
    const tokens = randomTokens(8, 2, 7, 320);
    const batch = quietStarObjective(thinker, tokens, Rng.fromSeed(2));
    // With nTrue = 1, utility − baseNll is the post-thought log-probability of x_{j+1}: finite and ≤ 0.
    for (let i = 0; i < batch.utility.length; i++) {
      const logProb = (batch.utility[i] as number) - (batch.baseNll[i] as number);
      expect(Number.isFinite(logProb) && logProb <= 1e-6).toBe(true);
    }
    const semantic = Array.from(batch.semantic);
    expect(semantic.every((s) => s >= -1 - 1e-5 && s <= 1 + 1e-5)).toBe(true);
    expect(Array.from(batch.syntactic).every((s) => s < 0)).toBe(true);
    batch.loss.dispose();
    thinker.dispose();
  });

  it('never emits thought markers while generating with thoughts', () => {
    const thinker = microThinker({ thoughtLength: 2 });
    const { tokens, thoughts } = generateWithThoughts(thinker, [40, 41, 42], { maxNewTokens: 5, stopTokens: [] });
    expect(tokens).toHaveLength(5);
    expect(tokens.some((t) => t === SPECIAL_IDS.startOfThought || t === SPECIAL_IDS.endOfThought)).toBe(false);
    expect(thoughts.every((t) => t.length === 2 && t.every((id) => id >= 24))).toBe(true);
    thinker.dispose();
  });
});
