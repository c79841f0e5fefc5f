import type { WeightMap } from '@agent-forge/core';
import { describe, expect, it } from 'vitest';
import { MERGE_METHODS, mergeWeightMaps, type MergeConfigInput } from '../src/index.js';
import { sameBytes, tinyWeights } from './tiny-models.js';

/** A config merging model `m` with itself (as every role the method has). */
function selfMerge(method: string): MergeConfigInput {
  const tuned = method === 'task_arithmetic' ? { weight: 0.6 } : { weight: 0.6, density: 0.5 };
  switch (method) {
    case 'linear': return { merge_method: method, models: [{ model: 'm', parameters: { weight: 0.3 } }, { model: 'n', parameters: { weight: 0.7 } }] };
    case 'slerp': return { merge_method: method, base_model: 'm', models: [{ model: 'm' }, { model: 'n' }], parameters: { t: 0.4 } };
    case 'model_stock': return { merge_method: method, base_model: 'm', models: [{ model: 'n' }, { model: 'o' }] };
    case 'frankenmerge':
    case 'passthrough': return { merge_method: method, slices: [{ sources: [{ model: 'm', layer_range: [0, 1] }] }, { sources: [{ model: 'n', layer_range: [1, 2] }] }] };
    case 'dfs': return { merge_method: method, models: [{ model: 'm' }], dfs: { repeats: 1, include: [1, 1] } };
    default: return { merge_method: method, base_model: 'm', models: [{ model: 'n', parameters: tuned }, { model: 'o', parameters: tuned }] };
  }
}

describe('merging a model with itself gives it back', () => {
  it.each([...MERGE_METHODS.keys()])('%s', async (method) => {
    const original = await tinyWeights(1);
    // Three references to the same weights: the method sees "different" models that are equal.
    const models = new Map<string, WeightMap>([['m', original], ['n', original], ['o', original]]);
    const merged = await mergeWeightMaps(selfMerge(method), models);
    expect([...merged.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [name, tensor] of original) {
      const out = merged.get(name);
      expect(out?.shape, name).toEqual(tensor.shape);
      expect(sameBytes(out as { data: ArrayBufferView }, tensor), `${method}: ${name}`).toBe(true);
    }
  });
});
