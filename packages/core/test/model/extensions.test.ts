import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import {
  buildModel,
  denseLinear,
  registerModelExtension,
  TitanRunner,
  type LinearFactory,
} from '../../src/model/index.js';

const MICRO = { vocabSize: 40, dModel: 16, nLayers: 2, nHeads: 2, contextLength: 8 };

beforeAll(async () => {
  await initBackend();
});

describe('model extensions', () => {
  it('composes registered extensions in order: a replacing factory first, a wrapping one after', () => {
    const built: string[] = [];
    const tagging =
      (tag: string, inner: LinearFactory): LinearFactory =>
      (spec, init) => {
        built.push(`${tag}:${spec.name}`);
        return inner(spec, init);
      };
    registerModelExtension({
      name: 'outer',
      order: 20,
      packageName: 'test',
      displayName: 'Test extension',
      referenceUrl: 'https://example.org/test',
      plan: (plan) => ({ ...plan, createLinear: tagging('outer', plan.createLinear) }),
    });
    registerModelExtension({
      name: 'inner',
      order: 10,
      packageName: 'test',
      displayName: 'Test extension',
      referenceUrl: 'https://example.org/test',
      plan: (plan) => ({ ...plan, createLinear: tagging('inner', denseLinear) }),
    });
    const model = buildModel(MICRO, { outer: {}, inner: {} });
    // outer wraps inner: its tag is pushed first for every layer, then inner's.
    expect(built.slice(0, 2)).toEqual(['outer:blocks.0.attn.q', 'inner:blocks.0.attn.q']);
    model.dispose();
  });

  it('rebuilds the titan extension with a TitanRunner and the same weights for the same seed', () => {
    const settings = { act: { enabled: true, maxSteps: 2 }, memory: { enabled: true } };
    const a = buildModel(MICRO, { titan: settings }, { seed: 3 });
    const b = buildModel(MICRO, { titan: settings }, { seed: 3 });
    expect(a.blockRunner).toBeInstanceOf(TitanRunner);
    expect([...a.namedWeights().keys()]).toEqual([...b.namedWeights().keys()]);
    expect([...(a.namedWeights().get('embed.weight')?.dataSync() ?? [])]).toEqual([
      ...(b.namedWeights().get('embed.weight')?.dataSync() ?? []),
    ]);
    a.dispose();
    b.dispose();
  });

  it('runs verify after the build and disposes the model when it fails', () => {
    registerModelExtension({
      name: 'picky',
      order: 0,
      packageName: 'test',
      displayName: 'Test extension',
      referenceUrl: 'https://example.org/test',
      plan: (plan) => plan,
      verify: () => {
        throw new Error('bad layer list');
      },
    });
    expect(() => buildModel(MICRO, { picky: {} })).toThrow(/bad layer list/);
  });
});
