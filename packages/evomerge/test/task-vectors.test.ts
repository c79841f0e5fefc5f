import { describe, expect, it } from 'vitest';
import { expectClose, mergeOne } from './helpers.js';

/** A config merging task models t1..tn onto base `base`, with per-model parameters. */
function taskConfig(
  method: string,
  models: Record<string, Record<string, number>>,
  parameters: Record<string, unknown> = {},
) {
  return {
    merge_method: method,
    base_model: 'base',
    models: Object.entries(models).map(([model, params]) => ({ model, parameters: params })),
    parameters,
  };
}

const ONE = { weight: 1 };

describe('TIES', () => {
  it('elects signs by mass and takes the disjoint mean (hand example, base 0)', async () => {
    // τ1 = [3, −1, 0.1], τ2 = [−2, −1, 0.2], τ3 = [1, 2, −0.1]: sums [2, 0, 0.2] → signs [+, + (tie), +];
    // agreeing entries: (3 + 1)/2 = 2; only 2 → 2; (0.1 + 0.2)/2 = 0.15.
    const merged = await mergeOne(taskConfig('ties', { t1: ONE, t2: ONE, t3: ONE }), {
      base: [0, 0, 0],
      t1: [3, -1, 0.1],
      t2: [-2, -1, 0.2],
      t3: [1, 2, -0.1],
    });
    expectClose(merged, [2, 2, 0.15]);
  });

  it('follows the mass when the majority by count disagrees, and the count with consensus: count', async () => {
    // τ = +3, −1, −1: two of three are negative, but the total mass is +1.
    const models = { base: [10], t1: [13], t2: [9], t3: [9] };
    const byMass = await mergeOne(taskConfig('ties', { t1: ONE, t2: ONE, t3: ONE }), models);
    expectClose(byMass, [13]); // only +3 agrees: 10 + 3
    const byCount = await mergeOne(taskConfig('ties', { t1: ONE, t2: ONE, t3: ONE }, { consensus: 'count' }), models);
    expectClose(byCount, [9]); // −1 and −1 agree: 10 + (−2)/2
  });

  it('trims each task vector to its top-density magnitudes first', async () => {
    // density 0.34 of 3 entries keeps ⌊1.02⌋ = 1: τ1 → [3, 0, 0], τ2 → [−2, 0, 0], τ3 → [0, 2, 0].
    const dense = { weight: 1, density: 0.34 };
    const merged = await mergeOne(taskConfig('ties', { t1: dense, t2: dense, t3: dense }), {
      base: [0, 0, 0],
      t1: [3, -1, 0.1],
      t2: [-2, -1, 0.2],
      t3: [1, 2, -0.1],
    });
    // coordinate 0: 3 − 2 = +1 → + → only 3 agrees → 3; coordinate 1: only τ3 → 2; coordinate 2: all trimmed → 0.
    expectClose(merged, [3, 2, 0]);
  });

  it('weights enter the election and the disjoint mean (weighted by weight)', async () => {
    // weighted deltas: 2·(+1) = +2 and 1·(−3) = −3 → − wins; mean over agreeing = −3 / 1.
    const merged = await mergeOne(taskConfig('ties', { t1: { weight: 2 }, t2: { weight: 1 } }), {
      base: [0],
      t1: [1],
      t2: [-3],
    });
    expectClose(merged, [-3]);
  });
});

describe('task arithmetic, breadcrumbs, model_stock', () => {
  it('task_arithmetic adds λ·Σ weight·τ to the base', async () => {
    const config = taskConfig('task_arithmetic', { t1: { weight: 0.5 }, t2: { weight: 2 } }, { lambda: 0.5 });
    // τ1 = [2, 0], τ2 = [0, −1]: 0.5·(0.5·[2,0] + 2·[0,−1]) = [0.5, −1]
    expectClose(await mergeOne(config, { base: [1, 1], t1: [3, 1], t2: [1, 0] }), [1.5, 0]);
  });

  it('breadcrumbs drops the largest (gamma) and the smallest magnitudes', async () => {
    // τ = [10, −1, 2, 0.5, −3]; density 0.6 keeps 3, gamma 0.2 drops the top 1 (10), then the 1 smallest (0.5).
    const config = taskConfig('breadcrumbs', { t1: { weight: 1, density: 0.6, gamma: 0.2 } });
    expectClose(await mergeOne(config, { base: [0, 0, 0, 0, 0], t1: [10, -1, 2, 0.5, -3] }), [0, -1, 2, 0, -3]);
  });

  it('model_stock moves from the base toward the mean by t = N·cos/(1 + (N−1)·cos)', async () => {
    // offsets [1, 0] and [1, 1]: cos = 1/√2, N = 2 → t = 2c/(1 + c); mean = [1, 0.5].
    const c = Math.SQRT1_2;
    const t = (2 * c) / (1 + c);
    const config = { merge_method: 'model_stock', base_model: 'base', models: [{ model: 'm1' }, { model: 'm2' }] };
    expectClose(await mergeOne(config, { base: [0, 0], m1: [1, 0], m2: [1, 1] }), [t * 1, t * 0.5]);
  });
});

describe('DELLA', () => {
  it('keeps large entries more often than small ones (keep probability density ± epsilon by rank)', async () => {
    // One row of 2 entries: the smaller is kept with p = 0.5 − 0.4 = 0.1, the larger with 0.9.
    let keptSmall = 0;
    let keptLarge = 0;
    const trials = 400;
    for (let seed = 0; seed < trials; seed++) {
      const config = {
        ...taskConfig('della', { t1: { weight: 1, density: 0.5, epsilon: 0.4 } }, { rescale: 'none' }),
        seed,
      };
      const [small, large] = await mergeOne(config, { base: [0, 0], t1: [1, 5] });
      if (small !== 0) keptSmall++;
      if (large !== 0) keptLarge++;
    }
    expect(keptSmall / trials).toBeGreaterThan(0.05);
    expect(keptSmall / trials).toBeLessThan(0.16);
    expect(keptLarge / trials).toBeGreaterThan(0.84);
    expect(keptLarge / trials).toBeLessThan(0.95);
  });
});
