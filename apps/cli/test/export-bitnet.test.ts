// A BitNet model (the bitnet phase's packed checkpoint) exported as GGUF runs in llama.cpp's `bitnet`
// graph through node-llama-cpp. BitLinear's input norm before W_q/W_k/W_v/W_gate/W_up is approximated
// there (see @agent-forge/export's bitnet-gguf.ts) and llama.cpp quantizes activations per 256-block
// rather than per token, so the greedy continuations are compared by agreement, which is printed.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  bitnetExtension,
  BitNetSettingsSchema,
  createBitNetModel,
  generate,
  PACKED_FILE,
  Rng,
  saveModelCheckpoint,
  ternaryLayerNames,
  tf,
  trainBpe,
  useBackend,
  writePackedWeights,
} from '@agent-forge/core';
import type { BpeTokenizer } from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../src/commands/export.js';
import { loadEdgeModel } from '../src/load-model.js';
// The export package's real-client helper: llama.cpp through node-llama-cpp, CPU, one thread.
import { llamaCppGreedy } from '../../../packages/export/test/clients.js';

// TQ2_0 packs rows of 256 values, so every linear's input width is a multiple of 256.
const CONFIG = { dModel: 256, nLayers: 1, nHeads: 4, dFF: 512, contextLength: 64, initStd: 0.3 };
const PROMPTS = ['Question: Tom has 3 apples', 'Answer: 3+2=', 'Tom buys 2 more', 'How many apples'];
const NEW_TOKENS = 16;
let root: string;
let tokenizer: BpeTokenizer;
const PROMPT_IDS = (): number[][] => PROMPTS.map((prompt) => tokenizer.encode(prompt));

/** Tokens equal before the first difference, over all tokens. */
function prefixAgreement(a: number[][], b: number[][]): number {
  let agreed = 0;
  a.forEach((row, index) => {
    const other = b[index] ?? [];
    let position = 0;
    while (position < row.length && row[position] === other[position]) position++;
    agreed += position;
  });
  return agreed / (a.length * NEW_TOKENS);
}

/**
 * A BitNet checkpoint directory whose block-norm gains are `gain(i)`, and forge chat's greedy
 * continuations of the prompts (the packed ternary kernel).
 */
async function bitnetDir(name: string, gain: (index: number) => number): Promise<{ dir: string; ours: number[][] }> {
  const bitnet = createBitNetModel({ ...CONFIG, vocabSize: tokenizer.vocabSize }, {}, 4);
  for (const [weight, variable] of bitnet.namedWeights()) {
    if (/^blocks\.\d+\.(attn|mlp)_norm\.weight$/.test(weight))
      variable.assign(tf.tensor1d(Array.from({ length: variable.size }, (_, i) => gain(i))));
  }
  const dir = path.join(root, name);
  const settings = BitNetSettingsSchema.parse({});
  await saveModelCheckpoint(dir, {
    model: bitnet,
    tokenizer,
    extensions: { bitnet: bitnetExtension(bitnet, settings) },
  });
  await writePackedWeights(path.join(dir, PACKED_FILE), bitnet, ternaryLayerNames(bitnet, settings));
  bitnet.dispose();
  const loaded = await loadEdgeModel(dir);
  const ours: number[][] = [];
  for (const ids of PROMPT_IDS()) ours.push((await generate(loaded.model, ids, { maxNewTokens: NEW_TOKENS })).tokens);
  loaded.dispose();
  return { dir, ours };
}

/** Exports `dir` as GGUF with `type` and returns the file's size and llama.cpp's agreement with `ours`. */
async function exportAndRun(
  dir: string,
  ours: number[][],
  type: 'tq2_0' | 'f32',
): Promise<{ bytes: number; agreement: number }> {
  const outDir = `${dir}-${type}`;
  await exportCommand({ modelDir: dir, format: 'gguf', outDir, type, measure: false });
  const file = path.join(outDir, 'model.gguf');
  const theirs = await llamaCppGreedy(file, PROMPT_IDS(), NEW_TOKENS, CONFIG.contextLength);
  return { bytes: statSync(file).size, agreement: prefixAgreement(ours, theirs) };
}

beforeAll(async () => {
  await useBackend('cpu');
  root = mkdtempSync(path.join(os.tmpdir(), 'forge-export-bitnet-'));
  tokenizer = trainBpe(['Question: Tom has 3 apples and buys 2 more. How many apples?\nAnswer: 3+2=5\n#### 5'], {
    vocabSize: 320,
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('forge export of a BitNet model to GGUF', () => {
  it('keeps the ternary layers 2-bit (TQ2_0); llama.cpp continues as forge chat does at ≥ 60% agreement with even norm gains, less with uneven ones', async () => {
    const even = await bitnetDir('even', () => 1.3);
    const tq2 = await exportAndRun(even.dir, even.ours, 'tq2_0');
    const f32 = await exportAndRun(even.dir, even.ours, 'f32');
    const rng = Rng.fromSeed(9);
    const uneven = await bitnetDir('uneven', () => 1 + 0.3 * rng.normal());
    const unevenTq2 = await exportAndRun(uneven.dir, uneven.ours, 'tq2_0');
    console.log(
      `BitNet → GGUF: even gains TQ2_0 ${tq2.bytes} bytes, agreement ${tq2.agreement.toFixed(3)}; F32 ${f32.bytes} bytes, agreement ${f32.agreement.toFixed(3)}; gains 1 ± 0.3 TQ2_0 agreement ${unevenTq2.agreement.toFixed(3)}`,
    );
    expect(tq2.bytes).toBeLessThan(f32.bytes / 4);
    expect(tq2.agreement).toBeGreaterThanOrEqual(0.6);
    // The documented approximation (BitLinear's norm of the block norm's output) costs agreement.
    expect(unevenTq2.agreement).toBeLessThan(tq2.agreement);
  });
});
