import { describe, expect, it } from 'vitest';
import { expectClose, mergeOne } from './helpers.js';

const TAU = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (0.5 + i / 4));

function dareConfig(seed: number, density: number, rescale?: string) {
  return {
    merge_method: 'dare_linear',
    base_model: 'base',
    models: [{ model: 'tuned', parameters: { weight: 1, density } }],
    parameters: rescale === undefined ? {} : { rescale },
    seed,
  };
}

const models = { base: TAU.map(() => 0), tuned: TAU };

describe('DARE', () => {
  it('keeps the expected value (mean over many seeds) and drops ≈ p of the entries', async () => {
    const p = 0.7;
    const trials = 1000;
    const sums = TAU.map(() => 0);
    let dropped = 0;
    for (let seed = 0; seed < trials; seed++) {
      const merged = await mergeOne(dareConfig(seed, 1 - p), models);
      merged.forEach((value, i) => {
        sums[i] = (sums[i] as number) + value;
        if (value === 0) dropped++;
        else expect(value).toBeCloseTo((TAU[i] as number) / (1 - p), 5); // kept entries are scaled by 1/(1 − p)
      });
    }
    // Per entry the mean's std is |τ|·√(p/(1−p))/√trials ≈ 0.048|τ|; allow 5σ.
    sums.forEach((sum, i) =>
      expect(Math.abs(sum / trials - (TAU[i] as number))).toBeLessThan(0.25 * Math.abs(TAU[i] as number)),
    );
    // 20 000 draws: the dropped fraction's std is ≈ 0.0032.
    expect(dropped / (trials * TAU.length)).toBeGreaterThan(p - 0.02);
    expect(dropped / (trials * TAU.length)).toBeLessThan(p + 0.02);
  });

  it('is reproducible for a seed and different across seeds', async () => {
    const first = await mergeOne(dareConfig(7, 0.5), models);
    expect(await mergeOne(dareConfig(7, 0.5), models)).toEqual(first);
    expect(await mergeOne(dareConfig(8, 0.5), models)).not.toEqual(first);
  });

  it('with rescale l1 (mergekit) keeps the task vector’s L1 norm exactly; with none leaves kept entries as they were', async () => {
    const l1 = (values: number[]) => values.reduce((sum, v) => sum + Math.abs(v), 0);
    const merged = await mergeOne(dareConfig(3, 0.5, 'l1'), models);
    expect(l1(merged)).toBeCloseTo(l1(TAU), 4);
    const plain = await mergeOne(dareConfig(3, 0.5, 'none'), models);
    plain.forEach((value, i) => expect(value === 0 || value === Math.fround(TAU[i] as number)).toBe(true));
  });

  it('with p = 0 (density 1) returns the fine-tuned model', async () => {
    expectClose(await mergeOne(dareConfig(1, 1), models), TAU);
  });
});
