import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BpeTokenizer, TinyTitan } from '@agent-forge/core';
import { ONNX_FILE, exportModel } from '../src/index.js';
import { onnxGreedyOne } from './clients.js';
import { NEW_TOKENS, PROMPTS, ourContinuations, smallModel, smallestGreedyGap } from './helpers.js';

let model: TinyTitan;
let tokenizer: BpeTokenizer;
let expected: number[][];
const root = mkdtempSync(path.join(os.tmpdir(), 'forge-onnx-'));

beforeAll(async () => {
  ({ model, tokenizer } = await smallModel());
  expected = await ourContinuations(model, tokenizer);
  expect(smallestGreedyGap(model, tokenizer, expected)).toBeGreaterThan(0.02);
});
afterAll(() => model.dispose());

describe('ONNX export', () => {
  it('onnxruntime-node runs the decoder with its KV cache and continues held-out prompts exactly as our greedy decode', async () => {
    const outDir = path.join(root, 'onnx');
    const result = await exportModel({ model, tokenizer }, { format: 'onnx', outDir });
    expect(result.files).toContain(ONNX_FILE);
    const session = await InferenceSession.create(path.join(outDir, ONNX_FILE));
    try {
      expect(session.inputNames).toEqual(
        expect.arrayContaining(['input_ids', 'attention_mask', 'position_ids', 'past_key_values.0.key']),
      );
      const continuations: number[][] = [];
      for (const prompt of PROMPTS)
        continuations.push(await onnxGreedyOne(session, model.config, tokenizer.encode(prompt), NEW_TOKENS));
      expect(continuations).toEqual(expected);
    } finally {
      await session.release();
    }
  });
});

describe('ONNX export in transformers.js', () => {
  it('loads from the exported folder with local_files_only and generates our greedy continuations', async () => {
    const { AutoModelForCausalLM, AutoTokenizer, env } = await import('@huggingface/transformers');
    const outDir = path.join(root, 'transformers-js');
    await exportModel({ model, tokenizer }, { format: 'onnx', outDir });
    env.allowRemoteModels = false;
    env.localModelPath = `${root}/`;
    const theirTokenizer = await AutoTokenizer.from_pretrained('transformers-js', { local_files_only: true });
    const theirModel = await AutoModelForCausalLM.from_pretrained('transformers-js', {
      local_files_only: true,
      dtype: 'fp32',
      device: 'cpu',
    });
    try {
      for (const [index, prompt] of PROMPTS.entries()) {
        const inputs = theirTokenizer(prompt);
        const promptLength = tokenizer.encode(prompt).length;
        expect(Number(inputs.input_ids.dims[1])).toBe(promptLength);
        const output = (await theirModel.generate({ ...inputs, max_new_tokens: NEW_TOKENS, do_sample: false })) as {
          tolist(): bigint[][];
        };
        expect(output.tolist()[0]?.slice(promptLength).map(Number), prompt).toEqual(expected[index]);
      }
    } finally {
      await theirModel.dispose();
    }
  });
});
