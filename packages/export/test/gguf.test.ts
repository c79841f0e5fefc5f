import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BpeTokenizer, TinyTitan } from '@agent-forge/core';
import { exportModel } from '../src/index.js';
import { llamaCppGreedy } from './clients.js';
import { NEW_TOKENS, PROMPTS, ourContinuations, smallModel, smallestGreedyGap } from './helpers.js';

let model: TinyTitan;
let tokenizer: BpeTokenizer;
let expected: number[][];
const root = mkdtempSync(path.join(os.tmpdir(), 'forge-gguf-'));

beforeAll(async () => {
  ({ model, tokenizer } = await smallModel());
  expected = await ourContinuations(model, tokenizer);
  // The premise of an exact comparison: no greedy step is a near tie (see smallestGreedyGap).
  expect(smallestGreedyGap(model, tokenizer, expected)).toBeGreaterThan(0.02);
});
afterAll(() => model.dispose());

/**
 * `@huggingface/gguf`'s reading of `file`, in a child process: once the tfjs backend is initialised in
 * this one, the parser's resizable read buffer comes back without the file's bytes (seen, not chased).
 */
function parseWithHfGguf(file: string): {
  metadata: Record<string, unknown>;
  tensors: Array<{ name: string; shape: number[] }>;
} {
  const script = [
    "import { gguf } from '@huggingface/gguf';",
    'const { metadata, tensorInfos } = await gguf(process.argv[1], { allowLocalFile: true });',
    'const tensors = tensorInfos.map((info) => ({ name: info.name, shape: info.shape.map(Number) }));',
    'console.log(JSON.stringify({ metadata, tensors }, (key, value) => (typeof value === "bigint" ? Number(value) : value)));',
  ].join('\n');
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script, file], {
      encoding: 'utf8',
      cwd: import.meta.dirname,
    }),
  ) as ReturnType<typeof parseWithHfGguf>;
}

/** llama.cpp's greedy continuation of our prompt ids, through node-llama-cpp on the CPU (one thread: more spin against the other jobs of a 2-core machine). */
const llamaCppContinuations = (file: string): Promise<number[][]> =>
  llamaCppGreedy(
    file,
    PROMPTS.map((prompt) => tokenizer.encode(prompt)),
    NEW_TOKENS,
    model.config.contextLength,
  );

describe('GGUF export', () => {
  it('parses with @huggingface/gguf: llama metadata, the embedded tokenizer, every tensor', async () => {
    const outDir = path.join(root, 'f32');
    await exportModel({ model, tokenizer }, { format: 'gguf', outDir });
    const { metadata, tensors } = parseWithHfGguf(path.join(outDir, 'model.gguf'));
    expect(metadata['general.architecture']).toBe('llama');
    expect(metadata['llama.embedding_length']).toBe(64);
    expect(metadata['llama.block_count']).toBe(2);
    expect(metadata['tokenizer.ggml.tokens']).toHaveLength(tokenizer.vocabSize);
    expect((metadata['tokenizer.ggml.merges'] as string[])[0]).toBe(
      `${tokenizer.idToToken(tokenizer.merges[0]![0])} ${tokenizer.idToToken(tokenizer.merges[0]![1])}`,
    );
    expect(tensors).toHaveLength(model.namedWeights().size);
    const q = tensors.find((info) => info.name === 'blk.0.attn_q.weight');
    expect(q?.shape).toEqual([64, 64]);
    const up = tensors.find((info) => info.name === 'blk.1.ffn_up.weight');
    expect(up?.shape).toEqual([64, model.config.dFF]);
  });

  it('node-llama-cpp continues held-out prompts exactly as our greedy decode (F32)', async () => {
    const outDir = path.join(root, 'f32-run');
    await exportModel({ model, tokenizer }, { format: 'gguf', outDir });
    expect(await llamaCppContinuations(path.join(outDir, 'model.gguf'))).toEqual(expected);
  });

  it('node-llama-cpp continues them exactly from F16 weights too', async () => {
    const outDir = path.join(root, 'f16');
    await exportModel({ model, tokenizer }, { format: 'gguf', outDir, weightType: 'f16' });
    expect(await llamaCppContinuations(path.join(outDir, 'model.gguf'))).toEqual(expected);
  });
});
