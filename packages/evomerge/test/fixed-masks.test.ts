import type { Rng } from '@agent-forge/core';
import { describe, expect, it } from 'vitest';
import { getMergeMethod, type TensorwiseMergeMethod } from '../src/index.js';
import { expectClose, mergeOne } from './helpers.js';

/** A stand-in stream that hands out `draws` in order, so a random method's mask is fixed by the test. */
function fixedDraws(draws: number[]): Rng {
  const queue = [...draws];
  return {
    float: () => {
      const next = queue.shift();
      if (next === undefined) throw new Error('the method drew more numbers than the test fixed');
      return next;
    },
  } as unknown as Rng;
}

/** Run a tensorwise method's own `merge` on a zero base with the models' task vectors and fixed draws per model. */
function mergeFixed(
  name: string,
  taus: number[][],
  draws: number[][],
  model: Record<string, number>,
  global: Record<string, unknown>,
): number[] {
  const method = getMergeMethod(name) as TensorwiseMergeMethod;
  const length = (taus[0] as number[]).length;
  return [
    ...method.merge({
      name: 'w',
      shape: [length],
      base: new Float32Array(length),
      models: taus.map((tau) => ({ values: Float32Array.from(tau), params: method.modelParameters.parse(model) })),
      params: method.globalParameters.parse(global),
      rng: (index) => fixedDraws(draws[index] as number[]),
    }),
  ];
}

describe('DARE with its mask fixed', () => {
  // τ1 = [2, −1, 3, 0.5], τ2 = [−1, −2, 1, 1], density 0.5: an entry stays when its draw is < 0.5.
  // Draws τ1: 0.1 0.9 0.4 0.2 → keep 0, 2, 3; τ2: 0.3 0.3 0.7 0.1 → keep 0, 1, 3. Kept entries × 1/0.5:
  // τ1' = [4, 0, 6, 1], τ2' = [−2, −4, 0, 2]. Entry 0 is kept in both with opposite signs, so the
  // sign election decides it.
  const taus = [
    [2, -1, 3, 0.5],
    [-1, -2, 1, 1],
  ];
  const draws = [
    [0.1, 0.9, 0.4, 0.2],
    [0.3, 0.3, 0.7, 0.1],
  ];
  const model = { weight: 1, density: 0.5 };

  it('dare_ties: dropped and rescaled, then TIES sign election (no normalisation by default)', () => {
    // Masses 2, −4, 6, 3 elect +, −, +, +: entry 0 keeps only τ1's 4 (a plain sum would give 2).
    expectClose(mergeFixed('dare_ties', taus, draws, model, {}), [4, -4, 6, 3]);
    expectClose(mergeFixed('dare', taus, draws, model, {}), [4, -4, 6, 3]);
    // normalize: the disjoint mean divides by the weights of the entries that agree (1, 1, 1, 2).
    expectClose(mergeFixed('dare_ties', taus, draws, model, { normalize: true }), [4, -4, 6, 1.5]);
  });

  it('dare_linear sums the rescaled vectors; rescale l1 (mergekit) scales each to its original L1 norm instead', () => {
    expectClose(mergeFixed('dare_linear', taus, draws, model, {}), [2, -4, 6, 3]);
    // L1: τ1 6.5 → kept 5.5, factor 6.5/5.5; τ2 5 → kept 4, factor 5/4.
    const [f1, f2] = [6.5 / 5.5, 5 / 4];
    const l1 = [2 * f1 - f2, -2 * f2, 3 * f1, 0.5 * f1 + f2];
    expectClose(mergeFixed('dare_linear', taus, draws, model, { rescale: 'l1' }), l1);
    // mergekit's spelling: rescale true is its L1 matching, false none.
    expectClose(mergeFixed('dare_linear', taus, draws, model, { rescale: true }), l1);
    expectClose(mergeFixed('dare_linear', taus, draws, model, { rescale: false }), [2 - 1, -2, 3, 0.5 + 1]);
  });
});

describe('della_linear with its draws fixed', () => {
  it('keeps by rank-dependent probability and divides kept entries by it', () => {
    // τ = [1, −4, 2, 3], density 0.5, ε 0.2: ranks by |τ| (draws are taken in that order) 1, 2, 3, 4
    // → keep probabilities 0.3, 0.4333, 0.5667, 0.7. Draws 0.5 0.2 0.6 0.1: keep 2 and −4 only.
    const merged = mergeFixed(
      'della_linear',
      [[1, -4, 2, 3]],
      [[0.5, 0.2, 0.6, 0.1]],
      { weight: 1, density: 0.5, epsilon: 0.2 },
      {},
    );
    expectClose(merged, [0, -4 / 0.7, 2 / (0.3 + 0.4 / 3), 0]);
  });
});

describe('della with its draws fixed', () => {
  it('MagPrune per model, then TIES sign election and the disjoint mean (normalize is on by default)', () => {
    // density 0.5, ε 0.2, keep probabilities by magnitude rank 0.3, 13/30, 17/30, 0.7 (draws in rank order).
    // τ1 = [1, −4, 2, 3], draws 0.5 0.2 0.6 0.1 → τ1' = [0, −4/0.7, 2/(13/30), 0] = [0, −40/7, 60/13, 0].
    // τ2 = [−2, 3, 1, 0.5], ranks 0.5, 1, −2, 3, draws 0.2 0.1 0.5 0.1 → all kept:
    // τ2' = [−2/(17/30), 3/0.7, 1/(13/30), 0.5/0.3] = [−60/17, 30/7, 30/13, 5/3].
    // Masses elect −, − (−40/7 + 30/7), +, +; entry 2 averages two agreeing entries: (60/13 + 30/13)/2.
    const merged = mergeFixed(
      'della',
      [
        [1, -4, 2, 3],
        [-2, 3, 1, 0.5],
      ],
      [
        [0.5, 0.2, 0.6, 0.1],
        [0.2, 0.1, 0.5, 0.1],
      ],
      { weight: 1, density: 0.5, epsilon: 0.2 },
      {},
    );
    expectClose(merged, [-60 / 17, -40 / 7, 45 / 13, 5 / 3]);
  });
});

describe('breadcrumbs_ties', () => {
  it('drops the top gamma and the bottom magnitudes of each task vector, then elects signs', async () => {
    // n = 5, density 0.6 keeps 3, gamma 0.2 drops the top 1 and so the bottom 1:
    // τ1 = [10, −1, 2, 0.5, −3] → [0, −1, 2, 0, −3]; τ2 = [−4, 3, −1, 0.2, 1] → [0, 3, −1, 0, 1].
    // Sums 0, 2, 1, 0, −2 → signs +, +, +, +, −: [0, 3, 2, 0, −3] (no normalisation by default).
    const params = { weight: 1, density: 0.6, gamma: 0.2 };
    const merged = await mergeOne(
      {
        merge_method: 'breadcrumbs_ties',
        base_model: 'base',
        models: [
          { model: 't1', parameters: params },
          { model: 't2', parameters: params },
        ],
      },
      { base: [0, 0, 0, 0, 0], t1: [10, -1, 2, 0.5, -3], t2: [-4, 3, -1, 0.2, 1] },
    );
    expectClose(merged, [0, 3, 2, 0, -3]);
  });
});

describe('the fixed draws are the ones the methods consume', () => {
  it('a draw list one short fails, so the tests above see every draw', () => {
    expect(() => mergeFixed('dare_linear', [[1, 2]], [[0.1]], { weight: 1, density: 0.5 }, {})).toThrow(/drew more/);
  });
});
