import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  MODEL_PRESETS,
  Rng,
  hostTensor,
  hostValues,
  readSafetensorsFile,
  saveCheckpoint,
  silentProgress,
  writeSafetensorsFile,
  type WeightMap,
} from '@agent-forge/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shardedSafetensorsSource } from '@agent-forge/evomerge';
import { createProgram } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'forge-merge-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function forge(...args: string[]): Promise<{ lines: string[]; error?: Error }> {
  const lines: string[] = [];
  const program = createProgram({ print: (line) => lines.push(line), progress: silentProgress });
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({ writeOut: (s) => lines.push(s), writeErr: (s) => lines.push(s) });
  }
  try {
    await program.parseAsync(['node', 'forge', ...args]);
    return { lines };
  } catch (error) {
    return { lines, error: error as Error };
  }
}

/** Two real-shaped (tiny preset) tensors per model, filled from a seeded stream. */
function randomWeights(seed: number): WeightMap {
  const rng = Rng.fromSeed(seed);
  const d = MODEL_PRESETS.tiny.dModel;
  const tensor = (shape: number[]) =>
    hostTensor(
      'F32',
      shape,
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, 0.02)),
    );
  return new Map([
    ['blocks.0.attn.q.weight', tensor([d, d])],
    ['norm_f.weight', tensor([d])],
  ]);
}

describe('forge merge', () => {
  it('merges two checkpoints as the YAML says and writes the expected safetensors', async () => {
    const a = randomWeights(11);
    const b = randomWeights(12);
    for (const [name, weights] of [
      ['a', a],
      ['b', b],
    ] as const) {
      await saveCheckpoint(path.join(dir, name), { config: { note: 'test' }, weights, tokenizer: { same: true } });
    }
    const yaml = [
      'merge_method: linear',
      'models:',
      `  - model: ${path.join(dir, 'a')}`,
      '    parameters: { weight: 0.25 }',
      `  - model: ${path.join(dir, 'b')}`,
      '    parameters:',
      '      weight: [{ filter: attn., value: 0.75 }, { value: 0.25 }]',
    ].join('\n');
    await writeFile(path.join(dir, 'merge.yaml'), yaml);
    const out = path.join(dir, 'out');
    const { lines, error } = await forge('merge', path.join(dir, 'merge.yaml'), '-o', out);
    expect(error).toBeUndefined();
    expect(lines.join('\n')).toMatch(/merged with linear: 2 tensors/);
    const merged = (await readSafetensorsFile(path.join(out, 'model.safetensors'))).weights;
    const expectMerged = (name: string, wa: number, wb: number) => {
      const x = a.get(name)?.data as Float32Array;
      const y = b.get(name)?.data as Float32Array;
      expect([...(merged.get(name)?.data ?? [])]).toEqual(
        [...x].map((v, i) => Math.fround((wa * v + wb * (y[i] as number)) / (wa + wb))),
      );
    };
    expectMerged('blocks.0.attn.q.weight', 0.25, 0.75);
    expectMerged('norm_f.weight', 0.25, 0.25);
    expect(JSON.parse(await readFile(path.join(out, 'tokenizer.json'), 'utf8'))).toEqual({ same: true });
  });

  it('names the config file and field of a bad config, and needs -o', async () => {
    await writeFile(path.join(dir, 'bad.yaml'), 'merge_method: ties\nmodels:\n  - model: x\n');
    const { error } = await forge('merge', path.join(dir, 'bad.yaml'), '-o', path.join(dir, 'out'));
    expect(error?.message).toMatch(/bad\.yaml, field 'base_model': merge method 'ties' needs a base_model/);
    expect((await forge('merge', path.join(dir, 'bad.yaml'))).error?.message).toMatch(
      /required option '-o, --out <dir>'/,
    );
  });

  it('merges sharded Hugging Face Llama checkpoints (mergekit YAML with out_dtype and a graded t) into the same layout', async () => {
    const names = [
      'model.embed_tokens.weight',
      'model.layers.0.self_attn.o_proj.weight',
      'model.layers.1.self_attn.o_proj.weight',
      'model.norm.weight',
      'lm_head.weight',
    ];
    const model = (value: number): WeightMap =>
      new Map(names.map((name) => [name, hostTensor('F32', [2, 1], Float32Array.from([value, value]))]));
    for (const [name, value] of [
      ['a', 1],
      ['b', 3],
    ] as const) {
      const target = path.join(dir, name);
      await mkdir(target);
      const weights = model(value);
      // Two shards, split by name, listed by the index as Hugging Face writes them.
      const shards = [names.slice(0, 2), names.slice(2)];
      const weightMap: Record<string, string> = {};
      for (const [i, part] of shards.entries()) {
        const file = `model-0000${i + 1}-of-00002.safetensors`;
        for (const tensor of part) weightMap[tensor] = file;
        await writeSafetensorsFile(
          path.join(target, file),
          new Map(part.map((tensor) => [tensor, weights.get(tensor) as never])),
        );
      }
      await writeFile(path.join(target, 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }));
      await writeFile(path.join(target, 'config.json'), JSON.stringify({ model_type: 'llama', num_hidden_layers: 2 }));
      await writeFile(path.join(target, 'tokenizer_config.json'), '{"x": 1}');
    }
    const yaml = [
      'merge_method: slerp',
      `base_model: ${path.join(dir, 'a')}`,
      'models:',
      `  - model: ${path.join(dir, 'b')}`,
      'parameters:',
      '  t: [0.25, 0.75]',
      'out_dtype: float16',
    ].join('\n');
    await writeFile(path.join(dir, 'merge.yaml'), yaml);
    const out = path.join(dir, 'out');
    const { error } = await forge('merge', path.join(dir, 'merge.yaml'), '-o', out);
    expect(error).toBeUndefined();
    // The output is sharded as the base model is: read it through its index.
    const source = await shardedSafetensorsSource('out', path.join(out, 'model.safetensors.index.json'));
    const merged = new Map(
      await Promise.all(source.tensors.map(async (info) => [info.name, await source.read(info.name)] as const)),
    );
    await source.close();
    // Parallel tensors: slerp is lerp, 1 + 2t; blocks at t = 0.25, 0.75; embeddings, norm and head at t = 0.25 (mergekit's t = 0).
    const expected: Record<string, number> = {
      'model.embed_tokens.weight': 1.5,
      'model.layers.0.self_attn.o_proj.weight': 1.5,
      'model.layers.1.self_attn.o_proj.weight': 2.5,
      'model.norm.weight': 1.5,
      'lm_head.weight': 1.5,
    };
    for (const [name, value] of Object.entries(expected)) {
      expect(merged.get(name)?.dtype, name).toBe('F16');
      expect(merged.get(name)?.shape, name).toEqual([2, 1]);
      expect([...hostValues(merged.get(name) as never)], name).toEqual([value, value]);
    }
    expect(JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8'))).toEqual({
      model_type: 'llama',
      num_hidden_layers: 2,
      torch_dtype: 'float16',
    });
    expect(await readFile(path.join(out, 'tokenizer_config.json'), 'utf8')).toBe('{"x": 1}');
  });

  it('rejects a config key mergekit has but forge merge does not honour, naming it', async () => {
    await writeFile(
      path.join(dir, 'chat.yaml'),
      'merge_method: linear\nchat_template: chatml\nmodels:\n  - model: x\n    parameters: { weight: 1 }\n',
    );
    const { error } = await forge('merge', path.join(dir, 'chat.yaml'), '-o', path.join(dir, 'out'));
    expect(error?.message).toMatch(/chat\.yaml, field 'chat_template'/);
  });
});
