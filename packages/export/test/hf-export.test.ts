import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Tokenizer } from 'tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_PRESETS, TinyTitan, readSafetensorsFile } from '@agent-forge/core';
import type { BpeTokenizer } from '@agent-forge/core';
import { EXPORT_FORMATS, HF_FILES, exportModel } from '../src/index.js';
import { HELD_OUT } from './corpus.js';
import { smallModel } from './helpers.js';

let model: TinyTitan;
let tokenizer: BpeTokenizer;
const root = mkdtempSync(path.join(os.tmpdir(), 'forge-hf-'));
const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  ({ model, tokenizer } = await smallModel({ tied: false }));
});
afterAll(() => model.dispose());

describe('🤗 transformers export', () => {
  it('writes a LlamaForCausalLM config, Llama-named [out, in] weights and the tokenizer files', async () => {
    const outDir = path.join(root, 'hf');
    const result = await exportModel({ model, tokenizer }, { format: 'hf', outDir });
    expect(result.files).toEqual([...HF_FILES]);
    const config = readJson(path.join(outDir, 'config.json'));
    expect(config).toMatchObject({
      architectures: ['LlamaForCausalLM'],
      hidden_size: 64,
      intermediate_size: model.config.dFF,
      num_attention_heads: 4,
      num_hidden_layers: 2,
      vocab_size: tokenizer.vocabSize,
      max_position_embeddings: 64,
      rms_norm_eps: 1e-5,
      rope_theta: 10_000,
      tie_word_embeddings: false,
    });
    const { weights, metadata } = await readSafetensorsFile(path.join(outDir, 'model.safetensors'));
    expect(metadata).toEqual({ format: 'pt' });
    expect(weights.size).toBe(model.namedWeights().size);
    const ours = model.namedWeights().get('blocks.1.mlp.down.weight');
    const theirs = weights.get('model.layers.1.mlp.down_proj.weight');
    expect(theirs?.shape).toEqual([64, model.config.dFF]);
    const [inFeatures = 0, outFeatures = 0] = ours?.shape ?? [];
    const source = ours?.dataSync() as Float32Array;
    for (const [i, o] of [
      [0, 1],
      [5, 60],
      [inFeatures - 1, outFeatures - 1],
    ] as const) {
      expect(theirs?.data[o * inFeatures + i]).toBe(source[i * outFeatures + o]);
    }
    expect(weights.get('lm_head.weight')?.shape).toEqual([tokenizer.vocabSize, 64]);
    expect(readJson(path.join(outDir, 'tokenizer_config.json'))).toMatchObject({
      eos_token: '<eos>',
      add_bos_token: false,
    });
  });

  it('the written tokenizer.json, loaded from the folder by 🤗 tokenizers, encodes the held-out text as we do', async () => {
    const outDir = path.join(root, 'hf-tokenizer');
    await exportModel({ model, tokenizer }, { format: 'hf', outDir });
    const theirs = Tokenizer.fromFile(path.join(outDir, 'tokenizer.json'));
    for (const line of HELD_OUT)
      expect((await theirs.encode(line)).getIds(), line).toEqual(tokenizer.encode(line, { allowSpecial: true }));
  });

  it('refuses a non-empty output directory unless told to overwrite, then replaces it whole', async () => {
    const outDir = path.join(root, 'busy');
    mkdirSync(outDir);
    writeFileSync(path.join(outDir, 'notes.txt'), 'mine');
    await expect(exportModel({ model, tokenizer }, { format: 'hf', outDir })).rejects.toThrow(/not empty/);
    await exportModel({ model, tokenizer }, { format: 'hf', outDir, overwrite: true });
    expect(() => readFileSync(path.join(outDir, 'notes.txt'))).toThrow();
  });

  it('writes a format registered from outside through the same staging, and names the known ones for an unknown one', async () => {
    EXPORT_FORMATS.register({
      name: 'test-names',
      displayName: 'Tensor names (test)',
      referenceUrl: 'https://example.org/names',
      write: async (dir, prepared) => {
        writeFileSync(path.join(dir, 'names.txt'), prepared.tensors.map((tensor) => tensor.hfName).join('\n'));
        return ['names.txt'];
      },
    });
    const outDir = path.join(root, 'names');
    const result = await exportModel({ model, tokenizer }, { format: 'test-names', outDir });
    expect(result.files).toEqual(['names.txt']);
    expect(readFileSync(path.join(outDir, 'names.txt'), 'utf8').split('\n')).toContain('model.embed_tokens.weight');
    await expect(exportModel({ model, tokenizer }, { format: 'tar', outDir })).rejects.toThrow(
      /field 'format'.*unknown export format 'tar' \(known: hf, onnx, gguf, test-names\)/,
    );
    for (const format of EXPORT_FORMATS) {
      expect(format.displayName, format.name).toMatch(/\S/);
      expect(new URL(format.referenceUrl).protocol, format.name).toMatch(/^https?:$/);
    }
  });

  it('refuses what a Llama cannot express, naming the field', async () => {
    const outDir = path.join(root, 'refused');
    await expect(
      exportModel({ model, tokenizer, extensions: { titan: {} } }, { format: 'hf', outDir }),
    ).rejects.toMatchObject({
      field: 'extensions.titan',
      message: expect.stringMatching(/without its ACT\/memory runner/),
    });
    await expect(exportModel({ model, tokenizer }, { format: 'hf', outDir, actDepth: 2 })).rejects.toThrow(
      /actDepth is for models with ACT/,
    );
    await expect(
      exportModel({ model, tokenizer, extensions: { mystery: {} } }, { format: 'gguf', outDir }),
    ).rejects.toThrow(/extension 'mystery'/);
    await expect(exportModel({ model, tokenizer }, { format: 'hf', outDir, weightType: 'f16' })).rejects.toThrow(
      /weightType is a GGUF setting/,
    );
    const gpt2 = new TinyTitan({
      ...MODEL_PRESETS.tiny,
      vocabSize: tokenizer.vocabSize,
      positions: 'learned',
      mlp: 'gelu',
    });
    try {
      await expect(exportModel({ model: gpt2, tokenizer }, { format: 'gguf', outDir })).rejects.toMatchObject({
        field: 'model.positions',
      });
    } finally {
      gpt2.dispose();
    }
  });
});
