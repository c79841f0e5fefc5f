import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  MERGE_METHODS,
  mergeWeightMaps,
  registerMergeMethod,
  tensorwiseMethod,
  type MergeConfigInput,
} from '../src/index.js';
import { OUTSIDE_METHOD, expectClose, forgeError, mergeOne, weights } from './helpers.js';

const S = Math.SQRT1_2;
const deg = (degrees: number) => (degrees * Math.PI) / 180;

/** Merge models given as `{name: {shape, values}}` (tensor `w`) and return the merged `w`. */
async function mergeShaped(
  config: MergeConfigInput,
  models: Record<string, { shape: number[]; values: number[] }>,
): Promise<number[]> {
  const maps = new Map(Object.entries(models).map(([name, spec]) => [name, weights({ w: spec })]));
  return [...((await mergeWeightMaps(config, maps)).get('w')?.data ?? [])];
}

describe('the registry', () => {
  it('names a paper or reference for every method: citation, display name and URL', () => {
    for (const method of MERGE_METHODS.values()) {
      expect(method.reference, method.name).toMatch(/\S{6,}/);
      expect(method.displayName, method.name).toMatch(/\S/);
      expect(new URL(method.referenceUrl).protocol, method.name).toMatch(/^https?:$/);
    }
  });

  it('takes a method registered from outside the package, which configs may then name', async () => {
    registerMergeMethod(
      tensorwiseMethod({
        name: OUTSIDE_METHOD,
        displayName: 'Element-wise max',
        referenceUrl: 'https://example.org/elementwise-max',
        summary: 'the largest value of the models per entry',
        reference: 'a test method',
        baseModel: 'unused',
        models: { min: 1 },
        globalParameters: z.object({}),
        modelParameters: z.object({}),
        merge: ({ models }) =>
          Float32Array.from(models[0]!.values, (_, i) => Math.max(...models.map((m) => m.values[i] as number))),
      }),
    );
    const config: MergeConfigInput = {
      merge_method: OUTSIDE_METHOD,
      models: [{ model: 'a' }, { model: 'b' }],
    };
    expectClose(await mergeOne(config, { a: [1, 5, -2], b: [3, 0, -1] }), [3, 5, -1]);
    expect(MERGE_METHODS.get(OUTSIDE_METHOD).displayName).toBe('Element-wise max');
  });
});

describe('nuslerp', () => {
  const two = (w1: number, w2: number, parameters: Record<string, boolean> = {}, base?: string): MergeConfigInput => ({
    merge_method: 'nuslerp',
    ...(base === undefined ? {} : { base_model: base }),
    models: [
      { model: 'a', parameters: { weight: w1 } },
      { model: 'b', parameters: { weight: w2 } },
    ],
    parameters,
  });

  it('slerps at t = w₂/(w₁ + w₂): orthogonal unit vectors, weights 1 and 3 → 67.5° from a', async () => {
    expectClose(await mergeOne(two(1, 3), { a: [1, 0], b: [0, 1] }), [Math.cos(deg(67.5)), Math.sin(deg(67.5))]);
  });

  it('with a base slerps the task vectors and adds the base back', async () => {
    expectClose(await mergeOne(two(1, 1, {}, 'base'), { base: [1, 1], a: [2, 1], b: [1, 2] }), [1 + S, 1 + S]);
  });

  it('takes the angle over the whole tensor, per row (flatten false), or per column (row_wise)', async () => {
    const models = { a: { shape: [2, 2], values: [1, 0, 1, 0] }, b: { shape: [2, 2], values: [0, 1, 1, 0] } };
    // Whole: a·b = 1, |a| = |b| = √2 → 60°; at t = ½ both coefficients are sin 30°/sin 60° = 1/√3.
    const r3 = 1 / Math.sqrt(3);
    expectClose(await mergeShaped(two(1, 1), models), [r3, r3, 2 * r3, 0]);
    // Rows: [1, 0] vs [0, 1] at 90° → √½ each; [1, 0] vs [1, 0] colinear → lerp → [1, 0].
    expectClose(await mergeShaped(two(1, 1, { nuslerp_flatten: false }), models), [S, S, 1, 0]);
    // Columns: [1, 1] vs [0, 1] at 45° → (a + b)·sin 22.5°/sin 45°; [0, 0] vs [1, 0]: a zero vector's
    // direction is 0, so cos = 0 → 90° → √½·b.
    const c = Math.sin(deg(22.5)) / Math.sin(deg(45));
    expectClose(await mergeShaped(two(1, 1, { nuslerp_flatten: false, nuslerp_row_wise: true }), models), [
      c,
      S,
      2 * c,
      0,
    ]);
  });

  it('needs exactly two models besides the base', async () => {
    const error = await forgeError(
      mergeWeightMaps(
        { merge_method: 'nuslerp', models: [{ model: 'a', parameters: { weight: 1 } }] },
        new Map([['a', weights({ w: [1] })]]),
      ),
    );
    expect(error.field).toBe('models');
  });
});

describe('multislerp', () => {
  const config = (names: string[], base?: string): MergeConfigInput => ({
    merge_method: 'multislerp',
    ...(base === undefined ? {} : { base_model: base }),
    models: names.map((model) => ({ model, parameters: { weight: 1 } })),
  });

  it('points along the weighted mean direction with the weighted mean norm: [1, 0] and [0, 2] → 1.5·[√½, √½]', async () => {
    expectClose(await mergeOne(config(['a', 'b']), { a: [1, 0], b: [0, 2] }), [1.5 * S, 1.5 * S]);
  });

  it('works on task vectors when given a base', async () => {
    expectClose(await mergeOne(config(['a', 'b'], 'base'), { base: [1, 1], a: [2, 1], b: [1, 3] }), [
      1 + 1.5 * S,
      1 + 1.5 * S,
    ]);
  });

  it('three directions 0°, 90°, 180° average to 90°; two that cancel are lerped; three that cancel are an error', async () => {
    expectClose(await mergeOne(config(['a', 'b', 'c']), { a: [1, 0], b: [0, 1], c: [-1, 0] }), [0, 1]);
    expectClose(await mergeOne(config(['a', 'b']), { a: [1, 0], b: [-1, 0] }), [0, 0]);
    const error = await forgeError(mergeOne(config(['a', 'b', 'c']), { a: [1, 0], b: [-1, 0], c: [0, 0] }));
    expect(error.message).toMatch(/cancel out/);
  });
});

describe('karcher', () => {
  const config = (parameters: Record<string, number> = {}): MergeConfigInput => ({
    merge_method: 'karcher',
    models: [{ model: 'a' }, { model: 'b' }, { model: 'c' }],
    parameters,
  });
  // Directions 0°, 30°, 90° with norms 1, 2, 3: on a circle the Karcher mean of arcs < π is the mean angle, 40°.
  const models = { a: [1, 0], b: [2 * Math.cos(deg(30)), 2 * Math.sin(deg(30))], c: [0, 3] };

  it('is the mean angle (40°) at the mean norm (2)', async () => {
    expectClose(await mergeOne(config(), models), [2 * Math.cos(deg(40)), 2 * Math.sin(deg(40))], 5);
  });

  it('with max_iter 0 stays at the normalised arithmetic mean of the directions', async () => {
    const angle = Math.atan2((0 + 0.5 + 1) / 3, (1 + Math.cos(deg(30)) + 0) / 3);
    expectClose(await mergeOne(config({ max_iter: 0 }), models), [2 * Math.cos(angle), 2 * Math.sin(angle)], 5);
  });
});

describe('sce', () => {
  // τ1 = [2, −1, 0.5, 1], τ2 = [1, 1, −0.5, 3] over a zero base.
  const models = { base: [0, 0, 0, 0], t1: [2, -1, 0.5, 1], t2: [1, 1, -0.5, 3] };
  const config = (parameters: Record<string, number> = {}): MergeConfigInput => ({
    merge_method: 'sce',
    base_model: 'base',
    models: [{ model: 't1' }, { model: 't2' }],
    parameters,
  });

  it('weights by mean square, erases minority signs, divides by the kept weights', async () => {
    // mean τ1² = 6.25/4, mean τ2² = 11.25/4 → w = 5/14, 9/14. Signs of the sums: +, + (0), + (0), +.
    const [w1, w2] = [5 / 14, 9 / 14];
    expectClose(await mergeOne(config(), models), [(2 * w1 + w2) / (w1 + w2), 1, 0.5, (w1 + 3 * w2) / (w1 + w2)]);
  });

  it('select_topk keeps only the highest-variance entries first', async () => {
    // Variances across the two models: 0.25, 1, 0.25, 1 → top ⌊4·0.5⌋ = 2 are entries 1 and 3.
    // τ1 = [0, −1, 0, 1], τ2 = [0, 1, 0, 3]: mean squares 0.5, 2.5 → w = 1/6, 5/6.
    expectClose(await mergeOne(config({ select_topk: 0.5 }), models), [0, 1, 0, 1 / 6 + 15 / 6]);
  });
});

describe('nearswap', () => {
  it('takes w = clamp(t/|base − other|, 0, 1) of the other model per entry', async () => {
    const config = { merge_method: 'nearswap', base_model: 'base', models: [{ model: 'o' }], parameters: { t: 0.1 } };
    // |Δ| = 0.05 → w 1; 0.5 → w 0.2; 2 → w 0.05.
    expectClose(await mergeOne(config, { base: [0, 0, 0], o: [0.05, 0.5, -2] }), [0.05, 0.1, -0.1]);
  });

  it('needs t, and t ≥ 0', async () => {
    const models = new Map([
      ['a', weights({ w: [1] })],
      ['b', weights({ w: [2] })],
    ]);
    expect(
      (
        await forgeError(
          mergeWeightMaps({ merge_method: 'nearswap', base_model: 'a', models: [{ model: 'b' }] }, models),
        )
      ).field,
    ).toBe('parameters.t');
    expect(
      (
        await forgeError(
          mergeWeightMaps(
            { merge_method: 'nearswap', base_model: 'a', models: [{ model: 'b' }], parameters: { t: -1 } },
            models,
          ),
        )
      ).field,
    ).toBe('parameters.t');
  });
});

describe('arcee_fusion', () => {
  const config = { merge_method: 'arcee_fusion', base_model: 'base', models: [{ model: 'o' }] };

  it('keeps a change only where |Δ|·KL is ≥ median + 1.5·IQR (one row: the |Δ| outliers)', async () => {
    // Sorted |Δ|·k: 0.1k 0.2k 0.3k 0.4k 5k; quantiles at ⌊q·4⌋: median 0.3k, Q1 0.2k, Q3 0.4k → 0.6k.
    expectClose(await mergeOne(config, { base: [0, 0, 0, 0, 0], o: [0.1, -0.2, 0.3, 0.4, 5] }), [0, 0, 0, 0, 5]);
  });

  it('weighs each row’s changes by its KL divergence: a row shifted uniformly (KL 0) is not taken, however large', async () => {
    // Row 0: |Δ|·KL₀ = [3, 0.1, 0.2, 0.25]·KL₀; row 1: softmax(x + 5) = softmax(x) → importance 0.
    // Sorted: 0 0 0 0 0.1k 0.2k 0.25k 3k; at ⌊q·7⌋: median 0, Q1 0, Q3 0.2k → threshold 0.3k.
    const merged = await mergeShaped(config, {
      base: { shape: [2, 4], values: [0, 0, 0, 0, 0, 0, 0, 0] },
      o: { shape: [2, 4], values: [3, 0.1, 0.2, 0.25, 5, 5, 5, 5] },
    });
    expectClose(merged, [3, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('ram and ramplus_tl', () => {
  // τ1 = [1, 0, 2, 0], τ2 = [3, 0, 0, 10⁻⁶]: changed (|τ| > 10⁻⁵) counts 2, 0, 1, 0.
  const models = { base: [0, 0, 0, 0], t1: [1, 0, 2, 0], t2: [3, 0, 0, 1e-6] };
  const config = (method: string): MergeConfigInput => ({
    merge_method: method,
    base_model: 'base',
    models: [{ model: 't1' }, { model: 't2' }],
  });

  it('ram averages the changes per entry over the models that made them', async () => {
    expectClose(await mergeOne(config('ram'), models), [2, 0, 2, 0]);
  });

  it('ramplus_tl amplifies unique changes by 1 + r·clamp(shared/unique, 0, α)', async () => {
    // t1: shared 1, unique 1 → ρ 1 → clamp to α 0.2 → λ 1.02; its unique change 2 → 2.04.
    expectClose(await mergeOne(config('ramplus_tl'), models), [2, 0, 2.04, 0]);
  });
});
