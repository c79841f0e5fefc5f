import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MODEL_PRESETS, readSafetensorsFile, saveCheckpoint, type WeightMap } from '@agent-forge/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeCheckpoints } from '../src/index.js';
import { forgeError } from './helpers.js';
import { sameBytes, tinyWeights } from './tiny-models.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evomerge-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TOKENIZER = { kind: 'stand-in tokenizer', vocab: 512 };

async function checkpoint(name: string, weights: WeightMap, tokenizer: unknown = TOKENIZER): Promise<string> {
  const target = path.join(dir, name);
  await saveCheckpoint(target, {
    config: { architecture: 'tinytitan', model: { ...MODEL_PRESETS.tiny, nLayers: 2 }, extensions: {} },
    weights,
    tokenizer,
  });
  return target;
}

describe('mergeCheckpoints (safetensors in, safetensors out, streamed)', () => {
  it('writes the hand-computed linear merge with config and tokenizer beside it', async () => {
    const a = await tinyWeights(1);
    const b = await tinyWeights(2);
    const out = path.join(dir, 'out');
    const summary = await mergeCheckpoints(
      {
        merge_method: 'linear',
        models: [
          { model: await checkpoint('a', a), parameters: { weight: 0.25 } },
          { model: await checkpoint('b', b), parameters: { weight: 0.75 } },
        ],
      },
      { outDir: out },
    );
    const merged = (await readSafetensorsFile(path.join(out, 'model.safetensors'))).weights;
    expect(summary.tensors).toBe(a.size);
    for (const [name, tensor] of a) {
      const other = b.get(name)?.data as Float32Array;
      const expected = Float32Array.from(
        tensor.data as Float32Array,
        (v, i) => (0.25 * v + 0.75 * (other[i] as number)) / 1,
      );
      expect([...(merged.get(name)?.data ?? [])], name).toEqual([...expected]);
    }
    expect(JSON.parse(await readFile(path.join(out, 'tokenizer.json'), 'utf8'))).toEqual(TOKENIZER);
    expect(JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8')).model.nLayers).toBe(2);
  });

  it('sets nLayers to the merged depth for frankenmerge and keeps float16 output when asked', async () => {
    const a = await checkpoint('a', await tinyWeights(1));
    const out = path.join(dir, 'deep');
    await mergeCheckpoints(
      {
        merge_method: 'passthrough',
        dtype: 'float16',
        slices: [{ sources: [{ model: a, layer_range: [0, 2] }] }, { sources: [{ model: a, layer_range: [1, 2] }] }],
      },
      { outDir: out },
    );
    expect(JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8')).model.nLayers).toBe(3);
    const merged = (await readSafetensorsFile(path.join(out, 'model.safetensors'))).weights;
    expect(merged.get('blocks.2.attn.q.weight')?.dtype).toBe('F16');
    expect(
      sameBytes(merged.get('blocks.2.attn.q.weight') as never, merged.get('blocks.1.attn.q.weight') as never),
    ).toBe(true);
  });

  it('refuses models with different tokenizers, an output that is an input, and a non-checkpoint output directory', async () => {
    const a = await checkpoint('a', await tinyWeights(1));
    const b = await checkpoint('b', await tinyWeights(2), { other: true });
    const config = (models: string[]) => ({
      merge_method: 'linear',
      models: models.map((model) => ({ model, parameters: { weight: 1 } })),
    });
    expect((await forgeError(mergeCheckpoints(config([a, b]), { outDir: path.join(dir, 'o') }))).message).toMatch(
      /different tokenizers/,
    );
    expect((await forgeError(mergeCheckpoints(config([a]), { outDir: a }))).message).toMatch(/holds one of the models/);
    const precious = path.join(dir, 'precious');
    await mkdir(precious);
    await writeFile(path.join(precious, 'notes.txt'), 'keep me');
    expect((await forgeError(mergeCheckpoints(config([a]), { outDir: precious }))).message).toMatch(
      /refusing to replace/,
    );
    expect(
      (await forgeError(mergeCheckpoints(config([path.join(dir, 'nope')]), { outDir: path.join(dir, 'o') }))).message,
    ).toMatch(/model '.*nope' not found/);
  });
});
