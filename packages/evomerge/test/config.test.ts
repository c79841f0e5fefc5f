import { describe, expect, it } from 'vitest';
import { mergeWeightMaps, parseMergeConfig, type MergeConfigInput } from '../src/index.js';
import { forgeError, mergeOne, weights } from './helpers.js';

function configError(value: unknown) {
  try {
    parseMergeConfig(value, { file: 'merge.yaml' });
  } catch (error) {
    return error as { field?: string; file?: string; message: string };
  }
  throw new Error('expected the config to be rejected');
}

const linearModels = [
  { model: 'a', parameters: { weight: 1 } },
  { model: 'b', parameters: { weight: 1 } },
];

describe('merge config validation names the field', () => {
  it.each([
    [{ models: linearModels }, 'merge_method', /expected string/],
    [
      { merge_method: 'average', models: linearModels },
      'merge_method',
      /unknown merge method 'average' \(known: linear, slerp/,
    ],
    [
      { merge_method: 'linear', models: [{ model: 'a', parameters: { weight: 1 } }, { model: '' }] },
      'models[1].model',
      /must not be empty/,
    ],
    [
      { merge_method: 'linear', models: linearModels, tokenizer_source: 'union' },
      'tokenizer_source',
      /Unrecognized key/,
    ],
    [{ merge_method: 'linear', models: linearModels, modules: {} }, 'modules', /Unrecognized key/],
    [
      { merge_method: 'linear', slices: [{ sources: [{ model: 'a', layer_range: [0, 1] }], residual_weight: 0.5 }] },
      'slices[0].residual_weight',
      /Unrecognized key/,
    ],
    [
      { merge_method: 'linear', models: linearModels, slices: [{ sources: [{ model: 'a', layer_range: [0, 1] }] }] },
      'models',
      /not both/,
    ],
    [{ merge_method: 'linear', models: linearModels, dtype: 'float64' }, 'dtype', /float32/],
    [{ merge_method: 'ties', models: linearModels }, 'base_model', /needs a base_model/],
    [
      {
        merge_method: 'slerp',
        base_model: 'a',
        models: [{ model: 'a' }, { model: 'b' }, { model: 'c' }],
        parameters: { t: 0.5 },
      },
      'models',
      /exactly 1 models besides the base, got 2/,
    ],
    [
      { merge_method: 'linear', models: [{ model: 'a', parameters: { wieght: 1 } }] },
      'models[0].parameters.wieght',
      /no per-model parameter 'wieght'/,
    ],
    [
      { merge_method: 'ties', base_model: 'a', models: linearModels, parameters: { gamma: 0.1 } },
      'parameters.gamma',
      /'ties' has no parameter 'gamma'/,
    ],
    [
      { merge_method: 'frankenmerge', models: linearModels },
      'models',
      /exactly one model \(use `slices` to stack several\)/,
    ],
    [{ merge_method: 'frankenmerge' }, 'slices', /needs `slices`/],
    [
      { merge_method: 'frankenmerge', slices: [{ sources: [{ model: 'a', layer_range: [3, 1] }] }] },
      'slices[0].sources[0].layer_range',
      /end > start/,
    ],
    [
      { merge_method: 'dfs', models: linearModels, dfs: { route: [{ model: 'a', layer: 0, scale: -1 }] } },
      'dfs.route[0].scale',
      /positive/,
    ],
  ])('%j → %s', (value, field, message) => {
    const error = configError(value);
    expect(error.field).toBe(field);
    expect(error.file).toBe('merge.yaml');
    expect(error.message).toMatch(message);
  });

  it('checks each tensor’s parameter values when planning, naming the field and the tensor', async () => {
    const models = new Map([
      ['a', weights({ w: [1] })],
      ['b', weights({ w: [2] })],
    ]);
    const missing = await forgeError(
      mergeWeightMaps(
        { merge_method: 'linear', models: [{ model: 'a', parameters: { weight: 1 } }, { model: 'b' }] },
        models,
      ),
    );
    expect(missing.field).toBe('models[1].parameters.weight');
    expect(missing.message).toMatch(/needs parameter 'weight' \(tensor 'w'\)/);
    const badDensity = await forgeError(
      mergeWeightMaps(
        {
          merge_method: 'ties',
          base_model: 'a',
          models: [{ model: 'b', parameters: { weight: 1 } }],
          parameters: { density: 1.5 },
        },
        models,
      ),
    );
    expect(badDensity.field).toBe('parameters.density');
    const badRescale = await forgeError(
      mergeWeightMaps(
        {
          merge_method: 'dare',
          base_model: 'a',
          models: [{ model: 'b', parameters: { weight: 1 } }],
          parameters: { rescale: 'yes' },
        },
        models,
      ),
    );
    expect(badRescale.field).toBe('parameters.rescale');
    expect(badRescale.message).toMatch(/inverse, l1, none, or mergekit's true \('l1'\)/);
  });
});

describe('filtered and graded parameters, as in mergekit', () => {
  it('takes the first matching filter, falls back to the unfiltered value, and interpolates gradients across layers', async () => {
    // 3 blocks: positions 0, 0.5, 1; gradient [0, 1] on attn. tensors gives t = 0, 0.5, 1 there; mlp gets 0.25.
    const tensors = (value: number) =>
      weights({
        'blocks.0.attn.q.weight': [value],
        'blocks.1.attn.q.weight': [value],
        'blocks.2.attn.q.weight': [value],
        'blocks.1.mlp.up.weight': [value],
        'norm_f.weight': [value],
      });
    const merged = await mergeWeightMaps(
      {
        merge_method: 'linear',
        models: [
          { model: 'a', parameters: { weight: [{ filter: 'attn.', value: [1, 0] }, { value: 0.75 }] } },
          { model: 'b', parameters: { weight: [{ filter: 'attn.', value: [0, 1] }, { value: 0.25 }] } },
        ],
      },
      new Map([
        ['a', tensors(0)],
        ['b', tensors(8)],
      ]),
    );
    const value = (name: string) => merged.get(name)?.data[0];
    expect(value('blocks.0.attn.q.weight')).toBe(0);
    expect(value('blocks.1.attn.q.weight')).toBe(4);
    expect(value('blocks.2.attn.q.weight')).toBe(8);
    expect(value('blocks.1.mlp.up.weight')).toBe(2);
    expect(value('norm_f.weight')).toBe(2);
  });

  it('per-model parameters take precedence over global ones', async () => {
    const merged = await mergeOne(
      {
        merge_method: 'linear',
        models: [{ model: 'a', parameters: { weight: 3 } }, { model: 'b' }],
        parameters: { weight: 1 },
      },
      { a: [0], b: [4] },
    );
    expect(merged).toEqual([1]);
  });
});

describe('models that do not match', () => {
  it('is a clear error listing every offending tensor', async () => {
    const a = weights({ x: [1, 2], y: [1], z: [3] });
    const b = weights({ x: [1, 2, 3], y: [1], extra: [0] });
    const error = await forgeError(
      mergeWeightMaps(
        {
          merge_method: 'linear',
          models: [
            { model: 'a', parameters: { weight: 1 } },
            { model: 'b', parameters: { weight: 1 } },
          ],
        },
        new Map([
          ['a', a],
          ['b', b],
        ]),
      ),
    );
    expect(error.message).toMatch(/3 problems/);
    expect(error.message).toMatch(/'x' has shape \[3\] in 'b' but \[2\] in 'a'/);
    expect(error.message).toMatch(/'extra' is in 'b' but not in 'a'/);
    expect(error.message).toMatch(/'z' is in 'a' but not in 'b'/);
  });

  it('lets layer routing combine models of different depth but not of different width', async () => {
    const shallow = weights({ 'embed.weight': [1], 'blocks.0.w': [1, 2] });
    const wide = weights({ 'embed.weight': [1], 'blocks.0.w': [1, 2, 3], 'blocks.1.w': [4, 5, 6] });
    const config: MergeConfigInput = {
      merge_method: 'frankenmerge',
      slices: [{ sources: [{ model: 's', layer_range: [0, 1] }] }, { sources: [{ model: 'w', layer_range: [1, 2] }] }],
    };
    const error = await forgeError(
      mergeWeightMaps(
        config,
        new Map([
          ['s', shallow],
          ['w', wide],
        ]),
      ),
    );
    expect(error.message).toMatch(/'w' is \[3\] in 'w' layer 1 but \[2\] in 's' layer 0/);
  });
});
