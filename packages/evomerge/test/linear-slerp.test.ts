import { describe, expect, it } from 'vitest';
import { expectClose, mergeOne } from './helpers.js';

const norm = (values: readonly number[]): number => Math.hypot(...values);

describe('linear', () => {
  it('is the weighted mean: [1,2]·0.25 + [3,4]·0.75 = [2.5, 3.5]', async () => {
    const merged = await mergeOne(
      {
        merge_method: 'linear',
        models: [
          { model: 'a', parameters: { weight: 0.25 } },
          { model: 'b', parameters: { weight: 0.75 } },
        ],
      },
      { a: [1, 2], b: [3, 4] },
    );
    expect(merged).toEqual([2.5, 3.5]);
  });

  it('divides by the weight total unless normalize is false', async () => {
    const models = { a: [1, 2], b: [3, 4] };
    const config = {
      merge_method: 'linear',
      models: [
        { model: 'a', parameters: { weight: 1 } },
        { model: 'b', parameters: { weight: 3 } },
      ],
    };
    expect(await mergeOne(config, models)).toEqual([2.5, 3.5]);
    expect(await mergeOne({ ...config, parameters: { normalize: false } }, models)).toEqual([10, 14]);
  });
});

describe('slerp', () => {
  const config = (t: number) => ({
    merge_method: 'slerp',
    base_model: 'a',
    models: [{ model: 'a' }, { model: 'b' }],
    parameters: { t },
  });

  it('of orthogonal unit vectors at t = 0.5 is the normalised bisector, norm 1 (lerp would give 0.7071)', async () => {
    const merged = await mergeOne(config(0.5), { a: [1, 0], b: [0, 1] });
    expectClose(merged, [Math.SQRT1_2, Math.SQRT1_2]);
    expect(norm(merged)).toBeCloseTo(1, 6);
  });

  it('at t = 1/3 sits 30° from the base vector', async () => {
    const merged = await mergeOne(config(1 / 3), { a: [1, 0], b: [0, 1] });
    expect((Math.atan2(merged[1] as number, merged[0] as number) * 180) / Math.PI).toBeCloseTo(30, 4);
    expect(norm(merged)).toBeCloseTo(1, 6);
  });

  it('gives the base at t = 0 and the other model at t = 1', async () => {
    expectClose(await mergeOne(config(0), { a: [3, -1], b: [1, 2] }), [3, -1]);
    expectClose(await mergeOne(config(1), { a: [3, -1], b: [1, 2] }), [1, 2]);
  });

  it('falls back to lerp for nearly parallel tensors (cos > 0.9995)', async () => {
    const a = [1, 0];
    const b = [2, 0.02]; // cos ≈ 0.99995
    expectClose(await mergeOne(config(0.25), { a, b }), [0.75 * 1 + 0.25 * 2, 0.25 * 0.02]);
  });

  it('applies the angle’s coefficients to the unnormalised tensors', async () => {
    // |a| = 2, |b| = 3, orthogonal: at t = 0.5 the coefficients are sin(π/4)/sin(π/2) = √½ each.
    expectClose(await mergeOne(config(0.5), { a: [2, 0], b: [0, 3] }), [2 * Math.SQRT1_2, 3 * Math.SQRT1_2]);
  });
});
