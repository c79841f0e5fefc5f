import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MODEL_PRESETS, Rng, hostTensor, readSafetensorsFile, saveCheckpoint, silentProgress, type WeightMap } from '@agent-forge/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  const tensor = (shape: number[]) => hostTensor('F32', shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, 0.02)));
  return new Map([['blocks.0.attn.q.weight', tensor([d, d])], ['norm_f.weight', tensor([d])]]);
}

describe('forge merge', () => {
  it('merges two checkpoints as the YAML says and writes the expected safetensors', async () => {
    const a = randomWeights(11);
    const b = randomWeights(12);
    for (const [name, weights] of [['a', a], ['b', b]] as const) {
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
      expect([...(merged.get(name)?.data ?? [])]).toEqual([...x].map((v, i) => Math.fround((wa * v + wb * (y[i] as number)) / (wa + wb))));
    };
    expectMerged('blocks.0.attn.q.weight', 0.25, 0.75);
    expectMerged('norm_f.weight', 0.25, 0.25);
    expect(JSON.parse(await readFile(path.join(out, 'tokenizer.json'), 'utf8'))).toEqual({ same: true });
  });

  it('names the config file and field of a bad config, and needs -o', async () => {
    await writeFile(path.join(dir, 'bad.yaml'), 'merge_method: ties\nmodels:\n  - model: x\n');
    const { error } = await forge('merge', path.join(dir, 'bad.yaml'), '-o', path.join(dir, 'out'));
    expect(error?.message).toMatch(/bad\.yaml, field 'base_model': merge method 'ties' needs a base_model/);
    expect((await forge('merge', path.join(dir, 'bad.yaml'))).error?.message).toMatch(/required option '-o, --out <dir>'/);
  });
});
