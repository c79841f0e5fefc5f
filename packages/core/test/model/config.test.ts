import { useBackend } from '../../src/backend/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import { countParameters, expectedShapes, MODEL_PRESETS, parseModelConfig, TinyTitan } from '../../src/model/index.js';
import { MICRO } from './helpers.js';

const sizeOf = (shape: number[]) => shape.reduce((product, n) => product * n, 1);

describe('ModelConfig', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('fills documented defaults: llama-style, and a SwiGLU width of ⅔·4·d rounded up to 32', () => {
    const config = parseModelConfig({ vocabSize: 100, dModel: 64, nLayers: 1, nHeads: 4, contextLength: 8 });
    expect(config).toMatchObject({
      positions: 'rotary',
      mlp: 'swiglu',
      norm: 'rmsnorm',
      tiedEmbeddings: true,
      initStd: 0.02,
      normEps: 1e-5,
      dFF: 192,
    });
    expect(parseModelConfig({ ...config, dFF: undefined, mlp: 'gelu' }).dFF).toBe(256);
    expect(parseModelConfig(config)).toEqual(config);
  });

  it('rejects a head count that does not divide dModel, naming the field', () => {
    expect(() => parseModelConfig({ ...MICRO, nHeads: 3 })).toThrow(ForgeError);
    expect(() => parseModelConfig({ ...MICRO, nHeads: 3 })).toThrow(/model\.nHeads/);
    expect(() => parseModelConfig({ ...MICRO, dModel: 6, nHeads: 2 })).toThrow(/even head size/);
  });

  it('has presets at the docs/architecture.md §4 scales, with exact parameter counts', () => {
    expect(MODEL_PRESETS.tiny).toMatchObject({ dModel: 64, nLayers: 2, vocabSize: 512, contextLength: 64 });
    expect(MODEL_PRESETS.small).toMatchObject({ dModel: 192, nLayers: 4, vocabSize: 2048, contextLength: 256 });
    expect(MODEL_PRESETS.paper).toMatchObject({ dModel: 512, nLayers: 6, vocabSize: 8192, contextLength: 256 });
    expect(countParameters(MODEL_PRESETS.tiny)).toBe(139_584);
    expect(countParameters(MODEL_PRESETS.small)).toBe(2_164_416);
    expect(countParameters(MODEL_PRESETS.paper)).toBe(24_648_192);
  });

  it('puts paper within ±10% of the seed’s 25M parameters', () => {
    const params = countParameters(MODEL_PRESETS.paper);
    expect(Math.abs(params - 25_000_000) / 25_000_000).toBeLessThanOrEqual(0.1);
  });

  it('counts parameters by formula exactly as the checkpoint layout adds up, for every preset', () => {
    for (const config of Object.values(MODEL_PRESETS)) {
      const layoutTotal = Object.values(expectedShapes(config)).reduce((sum, shape) => sum + sizeOf(shape), 0);
      expect(countParameters(config)).toBe(layoutTotal);
    }
  });

  const variants = {
    'tiny preset': MODEL_PRESETS.tiny,
    'learned + gelu + layernorm + untied': {
      ...MICRO,
      positions: 'learned',
      mlp: 'gelu',
      norm: 'layernorm',
      tiedEmbeddings: false,
    },
    'custom dFF': { ...MICRO, dFF: 40 },
  } as const;
  for (const [label, input] of Object.entries(variants)) {
    it(`matches the built model's real weights: ${label}`, () => {
      const model = new TinyTitan(input, { seed: 1 });
      const config = model.config;
      const realShapes = Object.fromEntries(
        [...model.namedWeights()].map(([name, variable]) => [name, variable.shape]),
      );
      expect(realShapes).toEqual(expectedShapes(config));
      expect(Object.keys(realShapes)).toEqual(Object.keys(expectedShapes(config)));
      const realTotal = [...model.namedWeights().values()].reduce((sum, variable) => sum + variable.size, 0);
      expect(countParameters(config)).toBe(realTotal);
      expect(model.parameterCount).toBe(realTotal);
      model.dispose();
    });
  }

  it('uses HF-style weight names', () => {
    const names = Object.keys(expectedShapes(parseModelConfig({ ...MICRO, nLayers: 1, tiedEmbeddings: false })));
    expect(names).toEqual([
      'embed.weight',
      'blocks.0.attn_norm.weight',
      'blocks.0.attn.q.weight',
      'blocks.0.attn.k.weight',
      'blocks.0.attn.v.weight',
      'blocks.0.attn.o.weight',
      'blocks.0.mlp_norm.weight',
      'blocks.0.mlp.gate.weight',
      'blocks.0.mlp.up.weight',
      'blocks.0.mlp.down.weight',
      'norm_f.weight',
      'head.weight',
    ]);
  });
});
