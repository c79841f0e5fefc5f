import type { WeightMap } from '@agent-forge/core';
import { describe, expect, it } from 'vitest';
import { MERGE_METHODS, mergeWeightMaps, type MergeConfigInput } from '../src/index.js';
import { OUTSIDE_METHOD } from './helpers.js';
import { tinyWeights } from './tiny-models.js';

/**
 * Models: `base` (one seed) and `x`, `y`: two references to the same fine-tuned weights (another
 * seed). Every method merging copies of one model, over a *different* base, must give that model back
 * — so task vectors are not zero, and a method that mis-weights, mis-normalises or drops the base
 * fails. Each config sets what makes the identity hold (weights summing to 1 where the method does
 * not normalise, density 1, t past every difference for nearswap).
 */
const COPIES: Record<string, MergeConfigInput> = (() => {
  const half = { weight: 0.5 };
  const onBase = (
    method: string,
    parameters: Record<string, unknown> = {},
    perModel: Record<string, unknown> = half,
  ): MergeConfigInput => ({
    merge_method: method,
    base_model: 'base',
    models: [
      { model: 'x', parameters: perModel },
      { model: 'y', parameters: perModel },
    ],
    parameters: parameters as never,
  });
  const slices = (method: string): MergeConfigInput => ({
    merge_method: method,
    slices: [{ sources: [{ model: 'x', layer_range: [0, 1] }] }, { sources: [{ model: 'y', layer_range: [1, 2] }] }],
  });
  const taskVector = [
    'task_arithmetic',
    'ties',
    'dare',
    'dare_ties',
    'dare_linear',
    'breadcrumbs',
    'breadcrumbs_ties',
    'della',
    'della_linear',
  ];
  return {
    linear: {
      merge_method: 'linear',
      models: [
        { model: 'x', parameters: { weight: 0.6 } },
        { model: 'y', parameters: { weight: 1.4 } },
      ],
    }, // normalised by 2
    slerp: { merge_method: 'slerp', base_model: 'x', models: [{ model: 'y' }], parameters: { t: 0.4 } },
    nuslerp: onBase('nuslerp', {}, { weight: 0.3 }),
    multislerp: onBase('multislerp'),
    karcher: { merge_method: 'karcher', models: [{ model: 'x' }, { model: 'y' }] },
    model_stock: onBase('model_stock', {}, {}),
    sce: onBase('sce', {}, {}),
    ram: onBase('ram', {}, {}),
    ramplus_tl: onBase('ramplus_tl', {}, {}),
    nearswap: { merge_method: 'nearswap', base_model: 'base', models: [{ model: 'x' }], parameters: { t: 1e9 } },
    ...Object.fromEntries(taskVector.map((method) => [method, onBase(method)])),
    frankenmerge: slices('frankenmerge'),
    passthrough: slices('passthrough'),
    dfs: { merge_method: 'dfs', models: [{ model: 'x' }, { model: 'y' }], dfs: { repeats: 1, include: [1, 0, 0, 1] } },
  };
})();

/**
 * arcee_fusion takes only the base's or the other model's value per entry, never the identity: tested on
 * its own. The method another test file registers from outside is not the package's.
 */
const NOT_AN_IDENTITY = new Set(['arcee_fusion', OUTSIDE_METHOD]);

describe('merging copies of one model over a different base gives that model back', () => {
  it('covers every registered method', () => {
    expect(MERGE_METHODS.names().filter((name) => COPIES[name] === undefined && !NOT_AN_IDENTITY.has(name))).toEqual(
      [],
    );
  });

  it.each(Object.keys(COPIES))('%s', async (method) => {
    const base = await tinyWeights(1);
    const tuned = await tinyWeights(2);
    const models = new Map<string, WeightMap>([
      ['base', base],
      ['x', tuned],
      ['y', tuned],
    ]);
    const merged = await mergeWeightMaps(COPIES[method] as MergeConfigInput, models);
    expect([...merged.keys()].sort()).toEqual([...tuned.keys()].sort());
    let worst = 0;
    for (const [name, tensor] of tuned) {
      const out = merged.get(name)?.data as Float32Array;
      const want = tensor.data as Float32Array;
      for (let i = 0; i < want.length; i++)
        worst = Math.max(
          worst,
          Math.abs((out[i] as number) - (want[i] as number)) / (1e-3 + Math.abs(want[i] as number)),
        );
    }
    // ram leaves entries the fine-tune moved by ≤ 1e-5 at the base; everything else is float rounding.
    expect(worst, method).toBeLessThan(method.startsWith('ram') ? 1e-2 : 1e-4);
    // The base really differs, so returning it (or any mix of it) would fail above.
    expect(
      Math.abs((base.get('embed.weight')?.data[0] as number) - (tuned.get('embed.weight')?.data[0] as number)),
    ).toBeGreaterThan(1e-4);
  });
});
