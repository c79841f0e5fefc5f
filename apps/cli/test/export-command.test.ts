// `forge export` on the kinds of directory a pipeline run leaves: a plain checkpoint (what cognate,
// evomerge, forge-train and baking's merged/ write) exports as both formats; a BitNet one only as GGUF
// (export-bitnet.test.ts runs it in llama.cpp), a baked one not at all. The formats themselves are
// tested against their real clients in @agent-forge/export.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TinyTitan, readSafetensorsFile, saveModelCheckpoint, silentProgress, trainBpe, useBackend } from '@agent-forge/core';
import { BitNetSettingsSchema, PACKED_FILE, bitnetExtension, createBitNetModel, ternaryLayerNames, writePackedWeights } from '@agent-forge/bitnet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../src/index.js';

const MICRO = { dModel: 16, nLayers: 1, nHeads: 2, contextLength: 32, initStd: 0.3 };
let root: string;
let denseDir: string;
let ternaryDir: string;
const printed: string[] = [];
const forge = (...args: string[]): Promise<unknown> =>
  createProgram({ print: (line) => printed.push(line), progress: silentProgress })
    .exitOverride()
    .parseAsync(['node', 'forge', ...args]);

beforeAll(async () => {
  await useBackend('cpu');
  root = mkdtempSync(path.join(os.tmpdir(), 'forge-export-'));
  const tokenizer = trainBpe(['Question: Tom has 3 apples and buys 2 more.\nAnswer: 3+2=5\n#### 5'], { vocabSize: 300 });
  const config = { ...MICRO, vocabSize: tokenizer.vocabSize };
  denseDir = path.join(root, 'dense');
  const dense = new TinyTitan(config, { seed: 2 });
  await saveModelCheckpoint(denseDir, { model: dense, tokenizer });
  dense.dispose();
  ternaryDir = path.join(root, 'ternary');
  const bitnet = createBitNetModel(config, {}, 4);
  const settings = BitNetSettingsSchema.parse({});
  await saveModelCheckpoint(ternaryDir, { model: bitnet, tokenizer, extensions: { bitnet: bitnetExtension(bitnet, settings) } });
  await writePackedWeights(path.join(ternaryDir, PACKED_FILE), bitnet, ternaryLayerNames(bitnet, settings));
  bitnet.dispose();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('forge export', () => {
  it('writes a plain checkpoint as the 🤗 Llama layout, GGUF and ONNX', async () => {
    const hfDir = path.join(root, 'out-hf');
    await forge('export', denseDir, '--format', 'hf', '-o', hfDir);
    const config = JSON.parse(readFileSync(path.join(hfDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ architectures: ['LlamaForCausalLM'], hidden_size: 16, num_hidden_layers: 1 });
    const { weights } = await readSafetensorsFile(path.join(hfDir, 'model.safetensors'));
    expect(weights.has('model.layers.0.self_attn.q_proj.weight')).toBe(true);
    const ggufDir = path.join(root, 'out-gguf');
    await forge('export', denseDir, '--format', 'gguf', '--type', 'f16', '-o', ggufDir);
    expect(readFileSync(path.join(ggufDir, 'model.gguf')).subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(printed.at(-1)).toBe(`exported ${denseDir} as gguf to ${ggufDir}: model.gguf`);
    const onnxDir = path.join(root, 'out-onnx');
    await forge('export', denseDir, '--format', 'onnx', '-o', onnxDir);
    expect(existsSync(path.join(onnxDir, 'onnx', 'model.onnx'))).toBe(true);
    expect(existsSync(path.join(onnxDir, 'tokenizer.json'))).toBe(true);
  });

  it('refuses a BitNet model as hf with the reason, and writes nothing; a baked model is refused too', async () => {
    const outDir = path.join(root, 'out-ternary');
    await expect(forge('export', ternaryDir, '--format', 'hf', '-o', outDir)).rejects.toThrow(/cannot export a 'bitnet' model as hf: BitLinear/);
    expect(existsSync(outDir)).toBe(false);
    mkdirSync(path.join(root, 'baked', 'adapters'), { recursive: true });
    await expect(forge('export', path.join(root, 'baked'), '--format', 'gguf', '-o', outDir)).rejects.toThrow(/baked model's personas are adapters/);
  });
});
