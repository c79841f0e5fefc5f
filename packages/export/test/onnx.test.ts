import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BpeTokenizer, TinyTitan } from '@agent-forge/core';
import { ONNX_FILE, exportModel } from '../src/index.js';
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

const int64 = (values: readonly number[]): Tensor =>
  new Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);
const argmax = (values: Float32Array, offset: number, length: number): number => {
  let best = 0;
  for (let i = 1; i < length; i++) if ((values[offset + i] as number) > (values[offset + best] as number)) best = i;
  return best;
};

/** onnxruntime's greedy continuation: the prompt once, then one token at a time through the KV cache outputs. */
async function onnxContinuation(session: InferenceSession, prompt: readonly number[]): Promise<number[]> {
  const { nLayers, nHeads, dModel, vocabSize } = model.config;
  let cache: Record<string, Tensor> = {};
  for (let layer = 0; layer < nLayers; layer++) {
    for (const part of ['key', 'value'])
      cache[`past_key_values.${layer}.${part}`] = new Tensor('float32', new Float32Array(0), [
        1,
        nHeads,
        0,
        dModel / nHeads,
      ]);
  }
  const tokens: number[] = [];
  let input = [...prompt];
  let past = 0;
  while (tokens.length < NEW_TOKENS) {
    const total = past + input.length;
    const outputs = await session.run({
      input_ids: int64(input),
      attention_mask: int64(new Array<number>(total).fill(1)),
      position_ids: int64(input.map((_, i) => past + i)),
      ...cache,
    });
    const logits = outputs.logits?.data as Float32Array;
    const next = argmax(logits, (input.length - 1) * vocabSize, vocabSize);
    tokens.push(next);
    cache = {};
    for (let layer = 0; layer < nLayers; layer++) {
      for (const part of ['key', 'value'])
        cache[`past_key_values.${layer}.${part}`] = outputs[`present.${layer}.${part}`] as Tensor;
    }
    past = total;
    input = [next];
  }
  return tokens;
}

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
      for (const prompt of PROMPTS) continuations.push(await onnxContinuation(session, tokenizer.encode(prompt)));
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
