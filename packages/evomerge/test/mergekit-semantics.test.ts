import { hostValues, type HostTensor } from '@agent-forge/core';
import { describe, expect, it } from 'vitest';
import { mergeWeightMaps, type MergeConfigInput } from '../src/index.js';
import { expectClose, forgeError, mergeOne, weights } from './helpers.js';

const valueOf = (tensor: HostTensor | undefined): number[] => [...hostValues(tensor as HostTensor)];

describe('dtype is the compute dtype, out_dtype the output dtype (mergekit)', () => {
  // mergekit: GatherTensors loads every input with `dtype=config.dtype` (a cast on load), the merge
  // runs on those tensors, and SaveTensor casts to `out_dtype` when set, else writes the computed
  // tensor as it is (so in `dtype`).
  // a = 1 + 2⁻¹⁰ and b = 3 + 2⁻⁹ are not bfloat16 numbers (7 mantissa bits): cast, they are 1 and 3.
  const models = new Map([
    ['a', weights({ w: [1 + 2 ** -10] })],
    ['b', weights({ w: [3 + 2 ** -9] })],
  ]);
  const config = (extra: Partial<MergeConfigInput>): MergeConfigInput => ({
    merge_method: 'linear',
    models: [
      { model: 'a', parameters: { weight: 1 } },
      { model: 'b', parameters: { weight: 1 } },
    ],
    ...extra,
  });

  it('dtype bfloat16 casts the inputs first: (1 + 3)/2 = 2, written as BF16', async () => {
    const merged = (await mergeWeightMaps(config({ dtype: 'bfloat16' }), models)).get('w');
    expect(merged?.dtype).toBe('BF16');
    expect(valueOf(merged)).toEqual([2]);
  });

  it('out_dtype float32 with dtype bfloat16 writes F32 holding the bfloat16-input result exactly', async () => {
    const merged = (await mergeWeightMaps(config({ dtype: 'bfloat16', out_dtype: 'float32' }), models)).get('w');
    expect(merged?.dtype).toBe('F32');
    expect(valueOf(merged)).toEqual([2]);
  });

  it('out_dtype alone leaves the inputs as stored: 2 + 3·2⁻¹¹ rounded once to float16 (ulp 2⁻⁹ at 2) = 2 + 2⁻⁹', async () => {
    const merged = (await mergeWeightMaps(config({ out_dtype: 'float16' }), models)).get('w');
    expect(merged?.dtype).toBe('F16');
    expect(valueOf(merged)).toEqual([2 + 2 ** -9]);
    expect(valueOf((await mergeWeightMaps(config({}), models)).get('w'))).toEqual([Math.fround(2 + 3 * 2 ** -11)]);
  });
});

describe('gradient positions (mergekit plan.py)', () => {
  // mergekit: a layer's t is i/(n − 1) within its slice (a `models:` merge is one slice of all n
  // layers), 1 when the slice has one layer; pre-weights (embeddings) and post-weights (final norm,
  // head) are planned with a ConfigReader at t = 0. So `t: [0.2, 0.8]` gives the head 0.2.
  it('slerp t: [0.2, 0.8] over 3 blocks gives 0.2, 0.5, 0.8 to the blocks and 0.2 to the embedding, final norm and head', async () => {
    const names = [
      'embed.weight',
      'blocks.0.attn.q.weight',
      'blocks.1.attn.q.weight',
      'blocks.2.attn.q.weight',
      'norm_f.weight',
      'head.weight',
    ];
    const model = (value: number) => weights(Object.fromEntries(names.map((name) => [name, [value]])));
    // One-entry tensors are parallel, so slerp is lerp: 1 + 2t.
    const merged = await mergeWeightMaps(
      { merge_method: 'slerp', base_model: 'a', models: [{ model: 'b' }], parameters: { t: [0.2, 0.8] } },
      new Map([
        ['a', model(1)],
        ['b', model(3)],
      ]),
    );
    const expected: Record<string, number> = {
      'embed.weight': 1.4,
      'blocks.0.attn.q.weight': 1.4,
      'blocks.1.attn.q.weight': 2,
      'blocks.2.attn.q.weight': 2.6,
      'norm_f.weight': 1.4,
      'head.weight': 1.4,
    };
    for (const name of names) expectClose(valueOf(merged.get(name)), [expected[name] as number]);
  });

  it('a model with a single block puts it at t = 1; Llama names (model.layers.N, model.norm, lm_head) follow the same rule', async () => {
    const names = [
      'model.embed_tokens.weight',
      'model.layers.0.mlp.up_proj.weight',
      'model.norm.weight',
      'lm_head.weight',
    ];
    const model = (value: number) => weights(Object.fromEntries(names.map((name) => [name, [value]])));
    const merged = await mergeWeightMaps(
      { merge_method: 'slerp', base_model: 'a', models: [{ model: 'b' }], parameters: { t: [0.2, 0.8] } },
      new Map([
        ['a', model(1)],
        ['b', model(3)],
      ]),
    );
    expectClose(valueOf(merged.get('model.layers.0.mlp.up_proj.weight')), [2.6]);
    for (const name of ['model.embed_tokens.weight', 'model.norm.weight', 'lm_head.weight'])
      expectClose(valueOf(merged.get(name)), [1.4]);
  });
});

describe('passthrough (mergekit passthrough.py and plan.py)', () => {
  /** Model `prefix`: 3 blocks with o = [k·(i+1)] and up = [10k·(i+1)], embed [5k], norm_f [7k]. */
  const model = (k: number) =>
    weights({
      'embed.weight': [5 * k],
      'norm_f.weight': [7 * k],
      ...Object.fromEntries(
        [0, 1, 2].flatMap((i) => [
          [`blocks.${i}.attn.o.weight`, [k * (i + 1)]],
          [`blocks.${i}.mlp.up.weight`, [10 * k * (i + 1)]],
        ]),
      ),
    });
  const models = new Map([
    ['a', model(1)],
    ['b', model(100)],
  ]);

  // mergekit: each copied tensor is multiplied by its `scale` tensor parameter when set, looked up in
  // the slice source's parameters, then the slice's, then the global ones (ConfigReader.parameter);
  // filters match the *source* tensor's name, gradients run over the slice's layers (t = i/(n − 1)).
  // Pre-weights come from slices[0]'s model, post-weights from slices[-1]'s, both with t = 0.
  it('multiplies by scale per source, per slice and globally, and takes the embedding from the first slice’s model and the final norm from the last’s', async () => {
    const merged = await mergeWeightMaps(
      {
        merge_method: 'passthrough',
        slices: [
          {
            sources: [
              {
                model: 'a',
                layer_range: [0, 2],
                parameters: { scale: [{ filter: 'attn.o', value: 0 }, { value: [1, 3] }] },
              },
            ],
          },
          { sources: [{ model: 'b', layer_range: [1, 2] }], parameters: { scale: 2 } },
          { sources: [{ model: 'b', layer_range: [2, 3] }] },
        ],
        parameters: { scale: 0.5 },
      },
      models,
    );
    const expected: Record<string, number> = {
      'blocks.0.attn.o.weight': 0,
      'blocks.0.mlp.up.weight': 10 * 1, // a's block 0, scale [1, 3] at t = 0
      'blocks.1.attn.o.weight': 0,
      'blocks.1.mlp.up.weight': 20 * 3, // a's block 1, t = 1
      'blocks.2.attn.o.weight': 200 * 2,
      'blocks.2.mlp.up.weight': 2000 * 2, // b's block 1, slice scale 2
      'blocks.3.attn.o.weight': 300 * 0.5,
      'blocks.3.mlp.up.weight': 3000 * 0.5, // b's block 2, global 0.5
      'embed.weight': 5 * 1, // first slice's model a, its source scale at t = 0 (no filter match → [1, 3] → 1)
      'norm_f.weight': 700 * 0.5, // last slice's model b, global scale
    };
    expect([...merged.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, value] of Object.entries(expected)) expectClose(valueOf(merged.get(name)), [value]);
  });

  it('over `models:` copies its one model whole, scaled, in the compute dtype (mergekit’s way to convert a model)', async () => {
    // mergekit turns `models:` into one slice of all the model's layers, the model's parameters its source's.
    const merged = await mergeWeightMaps(
      {
        merge_method: 'passthrough',
        dtype: 'bfloat16',
        models: [
          {
            model: 'a',
            parameters: { scale: [{ filter: 'norm_f', value: 3 }, { filter: 'up', value: [1, 2] }, { value: 1 }] },
          },
        ],
      },
      new Map([
        [
          'a',
          weights({
            'embed.weight': [1 + 2 ** -10],
            'blocks.0.mlp.up.weight': [10],
            'blocks.1.mlp.up.weight': [20],
            'norm_f.weight': [7],
          }),
        ],
      ]),
    );
    expect(merged.get('embed.weight')?.dtype).toBe('BF16');
    const expected: Record<string, number> = {
      'embed.weight': 1,
      'blocks.0.mlp.up.weight': 10,
      'blocks.1.mlp.up.weight': 40,
      'norm_f.weight': 21,
    };
    for (const [name, value] of Object.entries(expected)) expect(valueOf(merged.get(name)), name).toEqual([value]);
    const two = await forgeError(
      mergeWeightMaps({ merge_method: 'passthrough', models: [{ model: 'a' }, { model: 'b' }] }, models),
    );
    expect(two.field).toBe('models');
  });

  it('refuses a base_model (mergekit takes nothing from it), while frankenmerge takes the non-block tensors from it', async () => {
    const slices = [
      { sources: [{ model: 'a', layer_range: [0, 1] as [number, number] }] },
      { sources: [{ model: 'a', layer_range: [2, 3] as [number, number] }] },
    ];
    const error = await forgeError(mergeWeightMaps({ merge_method: 'passthrough', base_model: 'b', slices }, models));
    expect(error.field).toBe('base_model');
    const franken = await mergeWeightMaps({ merge_method: 'frankenmerge', base_model: 'b', slices }, models);
    expect(valueOf(franken.get('embed.weight'))).toEqual([500]);
    expect(valueOf(franken.get('norm_f.weight'))).toEqual([700]);
    expect(valueOf(franken.get('blocks.1.attn.o.weight'))).toEqual([3]);
  });

  it('rejects any parameter passthrough does not read, at every level', async () => {
    const slice = (extra: object) => ({ sources: [{ model: 'a', layer_range: [0, 1] as [number, number], ...extra }] });
    const cases: [MergeConfigInput, string][] = [
      [
        { merge_method: 'passthrough', slices: [slice({ parameters: { weight: 1 } })] },
        'slices[0].sources[0].parameters.weight',
      ],
      [
        { merge_method: 'passthrough', slices: [{ ...slice({}), parameters: { density: 0.5 } }] },
        'slices[0].parameters.density',
      ],
      [{ merge_method: 'frankenmerge', slices: [slice({})], parameters: { t: 0.5 } }, 'parameters.t'],
      [
        {
          merge_method: 'dfs',
          models: [{ model: 'a', parameters: { scale: 2 } }],
          dfs: { repeats: 1, include: [1, 1, 1] },
        },
        'models[0].parameters.scale',
      ],
      [{ merge_method: 'passthrough', slices: [slice({})], models: [{ model: 'a' }] }, 'models'],
      [
        { merge_method: 'passthrough', models: [{ model: 'a', parameters: { weight: 1 } }] },
        'models[0].parameters.weight',
      ],
    ];
    for (const [config, field] of cases) {
      const error = await forgeError(mergeWeightMaps(config, models));
      expect(error.field, JSON.stringify(config)).toBe(field);
    }
  });
});

describe('base_model with a method that has no base (mergekit adds it to the inputs)', () => {
  it('linear merges it as one more model, with its weight looked up as any model’s', async () => {
    const merged = await mergeWeightMaps(
      {
        merge_method: 'linear',
        base_model: 'c',
        models: [
          { model: 'a', parameters: { weight: 1 } },
          { model: 'b', parameters: { weight: 1 } },
        ],
        parameters: { weight: 2 },
      },
      new Map([
        ['a', weights({ w: [1] })],
        ['b', weights({ w: [3] })],
        ['c', weights({ w: [10] })],
      ]),
    );
    expect(valueOf(merged.get('w'))).toEqual([(1 + 3 + 2 * 10) / 4]);
  });
});

describe('int8_mask (mergekit: the sign mask is stored as int8, no value changes)', () => {
  it('is accepted by the task-vector methods and sce and leaves the merge as it is', async () => {
    const models = { base: [0, 0, 0], t1: [3, -1, 0.1], t2: [-2, -1, 0.2] };
    for (const method of ['ties', 'dare_ties', 'sce']) {
      const perModel = method === 'sce' ? {} : { weight: 1 };
      const config = (extra: Record<string, boolean>): MergeConfigInput => ({
        merge_method: method,
        base_model: 'base',
        models: [
          { model: 't1', parameters: perModel },
          { model: 't2', parameters: perModel },
        ],
        parameters: extra,
      });
      expect(await mergeOne(config({ int8_mask: true }), models), method).toEqual(await mergeOne(config({}), models));
    }
  });
});

describe('breadcrumbs with gamma · n < 1 (an intentional difference)', () => {
  // mergekit magnitude_outliers: n_top = int(gamma·n) = int(0.01·10) = 0, and the kept indices are
  // sorted[n_bot:-n_top] = sorted[5:-0] = sorted[5:0], an empty slice — so every task vector is zeroed
  // and the merge returns the base. Here no outlier is dropped and the top ⌊density·n⌋ magnitudes stay.
  it('keeps the top density of the task vector instead of zeroing it', async () => {
    const tau = [1, -2, 3, -4, 5, -6, 7, -8, 9, -10];
    const merged = await mergeWeightMaps(
      {
        merge_method: 'breadcrumbs',
        base_model: 'base',
        models: [{ model: 't', parameters: { weight: 1, density: 0.5 } }],
      },
      new Map([
        ['base', weights({ w: tau.map(() => 0) })],
        ['t', weights({ w: tau })],
      ]),
    );
    expect(valueOf(merged.get('w'))).toEqual([0, 0, 0, 0, 0, -6, 7, -8, 9, -10]);
  });
});

describe('tensorwise merges written with slices (mergekit plan.py)', () => {
  /** Blocks 0..2 hold [offset + i]; embed and norm_f hold the given values. */
  const model = (offset: number, embed: number, norm: number) =>
    weights({
      'embed.weight': [embed],
      'norm_f.weight': [norm],
      ...Object.fromEntries([0, 1, 2].map((i) => [`blocks.${i}.w`, [offset + i]])),
    });
  const models = new Map([
    ['a', model(10, 1, 2)],
    ['b', model(20, 5, 6)],
  ]);

  it('runs mergekit’s slerp example: gradients over the slice, filters on the tensor name, the rest at the fallback', async () => {
    // One-entry tensors are parallel, so slerp is lerp: a = 1, b = 3 give 1 + 2t.
    const names = [
      'blocks.0.self_attn.w',
      'blocks.1.self_attn.w',
      'blocks.2.self_attn.w',
      'blocks.0.mlp.w',
      'blocks.1.mlp.w',
      'blocks.2.mlp.w',
      'embed.weight',
      'norm_f.weight',
    ];
    const uniform = (value: number) => weights(Object.fromEntries(names.map((name) => [name, [value]])));
    const lerpModels = new Map([
      ['a', uniform(1)],
      ['b', uniform(3)],
    ]);
    const merged = await mergeWeightMaps(
      {
        merge_method: 'slerp',
        base_model: 'a',
        slices: [
          {
            sources: [
              { model: 'a', layer_range: [0, 3] },
              { model: 'b', layer_range: [0, 3] },
            ],
          },
        ],
        parameters: {
          t: [
            { filter: 'self_attn', value: [0, 0.5, 0.3, 0.7, 1] },
            { filter: 'mlp', value: [1, 0.5, 0.7, 0.3, 0] },
            { value: 0.5 },
          ],
        },
      },
      lerpModels,
    );
    // Positions 0, ½, 1 → self_attn t 0, 0.3, 1; mlp t 1, 0.7, 0; embed and norm (no filter matches) 0.5.
    const expected: Record<string, number> = {
      'blocks.0.self_attn.w': 1,
      'blocks.1.self_attn.w': 1.6,
      'blocks.2.self_attn.w': 3,
      'blocks.0.mlp.w': 3,
      'blocks.1.mlp.w': 2.4,
      'blocks.2.mlp.w': 1,
      'embed.weight': 2,
      'norm_f.weight': 2,
    };
    for (const [name, value] of Object.entries(expected)) expectClose(valueOf(merged.get(name)), [value]);
  });

  it('merges layer by layer per slice, stacks the slices, and looks parameters up source → slice → global', async () => {
    // mergekit: per-model parameters come from the slice source (filters match the *source* tensor's
    // name), then the slice, then the global ones; t runs over each slice's own layers; pre-weights
    // merge slices[0]'s sources, post-weights slices[-1]'s, at t = 0.
    const merged = await mergeWeightMaps(
      {
        merge_method: 'linear',
        slices: [
          {
            sources: [
              { model: 'a', layer_range: [0, 2], parameters: { weight: [1, 3] } },
              { model: 'b', layer_range: [1, 3] },
            ],
          },
          {
            sources: [
              { model: 'a', layer_range: [0, 1], parameters: { weight: [{ filter: 'blocks.0.', value: 6 }] } },
              { model: 'b', layer_range: [2, 3], parameters: { weight: 3 } },
            ],
            parameters: { weight: 2 },
          },
        ],
        parameters: { weight: 1 },
      },
      models,
    );
    const expected: Record<string, number> = {
      'blocks.0.w': (1 * 10 + 1 * 21) / 2, // a0 (weight 1 at t = 0) with b1 (global 1)
      'blocks.1.w': (3 * 11 + 1 * 22) / 4, // a1 (weight 3 at t = 1) with b2
      'blocks.2.w': (6 * 10 + 3 * 22) / 9, // a0 matched by its source name blocks.0. (output blocks.2) → 6; b2 → 3
      'embed.weight': (1 * 1 + 1 * 5) / 2, // slice 0's sources at t = 0
      'norm_f.weight': (2 * 2 + 3 * 6) / 5, // slice 1's sources; a's filter does not match norm_f → slice weight 2; b 3
    };
    expect([...merged.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [name, value] of Object.entries(expected)) expectClose(valueOf(merged.get(name)), [value]);
  });

  it('names the field when a slice’s sources differ in length, repeat a model, or leave out the base', async () => {
    const cases: [MergeConfigInput, string, RegExp][] = [
      [
        {
          merge_method: 'linear',
          parameters: { weight: 1 },
          slices: [
            {
              sources: [
                { model: 'a', layer_range: [0, 2] },
                { model: 'b', layer_range: [0, 3] },
              ],
            },
          ],
        },
        'slices[0].sources[1].layer_range',
        /same number of layers/,
      ],
      [
        {
          merge_method: 'linear',
          parameters: { weight: 1 },
          slices: [
            {
              sources: [
                { model: 'a', layer_range: [0, 1] },
                { model: 'a', layer_range: [1, 2] },
              ],
            },
          ],
        },
        'slices[0].sources',
        /listed twice/,
      ],
      [
        {
          merge_method: 'ties',
          base_model: 'b',
          parameters: { weight: 1 },
          slices: [{ sources: [{ model: 'a', layer_range: [0, 1] }] }],
        },
        'slices[0].sources',
        /must be one of the slice's sources/,
      ],
      [
        {
          merge_method: 'slerp',
          base_model: 'a',
          parameters: { t: 0.5 },
          slices: [
            {
              sources: [
                { model: 'a', layer_range: [0, 1], parameters: { t: 1 } },
                { model: 'b', layer_range: [0, 1] },
              ],
            },
          ],
        },
        'slices[0].sources[0].parameters.t',
        /no per-model parameter 't'/,
      ],
      [
        {
          merge_method: 'linear',
          parameters: { weight: 1 },
          slices: [{ sources: [{ model: 'a', layer_range: [2, 4] }] }],
        },
        'slices[0].sources[0].layer_range',
        /runs past 'a'/,
      ],
    ];
    for (const [config, field, message] of cases) {
      const error = await forgeError(mergeWeightMaps(config, models));
      expect(error.field, JSON.stringify(config)).toBe(field);
      expect(error.message).toMatch(message);
    }
  });
});
