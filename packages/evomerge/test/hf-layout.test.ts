import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { WeightMap } from '@agent-forge/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  genomeToMergeConfig,
  mergeCheckpoints,
  parseMergeConfig,
  planMerge,
  shardedSafetensorsSource,
  type Genome,
  type TensorSource,
} from '../src/index.js';
import { expectClose, forgeError } from './helpers.js';
import { HF_FILES, llamaWeights, saveShardedLlama } from './hf-llama.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evomerge-hf-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LAYERS = 3;

async function twoModels(): Promise<{ a: WeightMap; b: WeightMap; dirA: string; dirB: string }> {
  const a = llamaWeights(1, LAYERS);
  const b = llamaWeights(2, LAYERS);
  return {
    a,
    b,
    dirA: await saveShardedLlama(path.join(dir, 'a'), a, 3, LAYERS),
    dirB: await saveShardedLlama(path.join(dir, 'b'), b, 2, LAYERS),
  };
}

/** Every tensor of a sharded output, read through its index. */
async function read(out: string): Promise<WeightMap> {
  const source = await shardedSafetensorsSource('out', path.join(out, 'model.safetensors.index.json'));
  try {
    return new Map(
      await Promise.all(source.tensors.map(async (info) => [info.name, await source.read(info.name)] as const)),
    );
  } finally {
    await source.close();
  }
}

describe('Hugging Face layout (sharded safetensors, Llama names, [out, in] linears)', () => {
  it('merges two sharded models with forge merge’s engine, keeping names and shapes, and copies config and tokenizer files', async () => {
    const { a, b, dirA, dirB } = await twoModels();
    const out = path.join(dir, 'out');
    await mergeCheckpoints(
      {
        merge_method: 'linear',
        dtype: 'float32',
        models: [
          { model: dirA, parameters: { weight: 0.25 } },
          { model: dirB, parameters: { weight: 0.75 } },
        ],
      },
      { outDir: out },
    );
    const merged = await read(out);
    expect([...merged.keys()].sort()).toEqual([...a.keys()].sort());
    // Sharded as the primary model (a, 3 shards): shards no larger than its largest, all listed by the index.
    const files = (await readdir(out)).filter((name) => name.endsWith('.safetensors')).sort();
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.every((name, i) => name === `model-0000${i + 1}-of-0000${files.length}.safetensors`)).toBe(true);
    expect(files).not.toContain('model.safetensors');
    // A sharded output directory may be merged over again (it is replaced whole).
    await mergeCheckpoints(
      { merge_method: 'linear', models: [{ model: dirA, parameters: { weight: 1 } }] },
      { outDir: out },
    );
    expect([...(await read(out)).keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, tensor] of a) {
      const other = b.get(name)?.data as Float32Array;
      expect(merged.get(name)?.shape, name).toEqual(tensor.shape);
      expect([...(merged.get(name)?.data ?? [])], name).toEqual(
        [...(tensor.data as Float32Array)].map((v, i) => Math.fround(0.25 * v + 0.75 * (other[i] as number))),
      );
    }
    const config = JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'llama', num_hidden_layers: LAYERS, torch_dtype: 'float32' });
    for (const [name, text] of Object.entries(HF_FILES))
      expect(await readFile(path.join(out, name), 'utf8'), name).toBe(text);
  });

  it('passthrough renumbers model.layers.N, takes embed_tokens from the first slice and norm and lm_head from the last, and sets num_hidden_layers', async () => {
    const { a, b, dirA, dirB } = await twoModels();
    const out = path.join(dir, 'deep');
    await mergeCheckpoints(
      {
        merge_method: 'passthrough',
        slices: [
          { sources: [{ model: dirA, layer_range: [0, 3] }] },
          { sources: [{ model: dirB, layer_range: [1, 3] }] },
        ],
      },
      { outDir: out },
    );
    const merged = await read(out);
    const same = (name: string, from: WeightMap, source: string) =>
      expect([...(merged.get(name)?.data ?? [])], name).toEqual([...(from.get(source)?.data ?? [])]);
    same('model.embed_tokens.weight', a, 'model.embed_tokens.weight');
    same('model.layers.2.mlp.down_proj.weight', a, 'model.layers.2.mlp.down_proj.weight');
    same('model.layers.3.self_attn.q_proj.weight', b, 'model.layers.1.self_attn.q_proj.weight');
    same('model.layers.4.mlp.down_proj.weight', b, 'model.layers.2.mlp.down_proj.weight');
    same('model.norm.weight', b, 'model.norm.weight');
    same('lm_head.weight', b, 'lm_head.weight');
    expect(merged.has('model.layers.5.mlp.up_proj.weight')).toBe(false);
    expect(JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8')).num_hidden_layers).toBe(5);
  });

  it('runs the evolutionary search’s tensor plan (a decoded genome) over the lazily read shards', async () => {
    const { a, b, dirA, dirB } = await twoModels();
    const sources = new Map<string, TensorSource>([
      ['model0', await shardedSafetensorsSource('model0', path.join(dirA, 'model.safetensors.index.json'))],
      ['model1', await shardedSafetensorsSource('model1', path.join(dirB, 'model.safetensors.index.json'))],
    ]);
    try {
      const genome: Genome = {
        method: 'task_arithmetic',
        base: 0,
        other: 1,
        weights: [[1], [0.5, 1.5]],
        t: [0.5],
        density: [1, 1],
        route: [
          { model: 1, layer: 2, scale: 1 },
          { model: 0, layer: 0, scale: 1 },
        ],
        seed: 0,
      };
      // task_arithmetic: base model0 + w·(model1 − model0), w a gradient 0.5 → 1.5 over blocks 0..2 (positions 0, ½, 1); 0.5 outside the blocks.
      const plan = planMerge(parseMergeConfig(genomeToMergeConfig(genome, 2)), sources);
      const produced = new Map(await Promise.all(plan.tensors.map(async (t) => [t.name, await t.produce()] as const)));
      const check = (name: string, w: number) => {
        const base = a.get(name)?.data as Float32Array;
        const tuned = b.get(name)?.data as Float32Array;
        expectClose(
          [...(produced.get(name)?.data ?? [])],
          [...base].map((v, i) => v + w * ((tuned[i] as number) - v)),
        );
      };
      check('model.embed_tokens.weight', 0.5);
      check('model.layers.0.self_attn.o_proj.weight', 0.5);
      check('model.layers.1.mlp.gate_proj.weight', 1);
      check('lm_head.weight', 0.5);
      const route = planMerge(parseMergeConfig(genomeToMergeConfig({ ...genome, method: 'frankenmerge' }, 2)), sources);
      expect(route.layerCount).toBe(2);
      const first = route.tensors.find((t) => t.name === 'model.layers.0.mlp.up_proj.weight');
      expect([...((await first?.produce())?.data ?? [])]).toEqual([
        ...(b.get('model.layers.2.mlp.up_proj.weight')?.data ?? []),
      ]);
    } finally {
      for (const source of sources.values()) await source.close();
    }
  });

  it('names the index file when a shard lacks a tensor the index puts there, or the index points outside its directory', async () => {
    const { dirA } = await twoModels();
    const index = path.join(dirA, 'model.safetensors.index.json');
    const original = JSON.parse(await readFile(index, 'utf8'));
    await writeFile(
      index,
      JSON.stringify({
        weight_map: {
          ...original.weight_map,
          'model.norm.weight': 'model-00001-of-00003.safetensors',
          'lm_head.weight': 'model-00001-of-00003.safetensors',
        },
      }),
    );
    const wrongShard = await forgeError(shardedSafetensorsSource('a', index));
    expect(wrongShard.file).toBe(index);
    expect(wrongShard.message).toMatch(/does not hold it/);
    await writeFile(index, JSON.stringify({ weight_map: { 'lm_head.weight': '../elsewhere.safetensors' } }));
    expect((await forgeError(shardedSafetensorsSource('a', index))).field).toBe('weight_map.lm_head.weight');
  });
});
