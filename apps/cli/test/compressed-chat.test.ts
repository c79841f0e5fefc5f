// The pipeline's final model (compression's output) runs in `forge chat`: the CLI's loader detects
// the compressed file, decodes it at load time, and chat answers with that model's greedy reply.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  bitnetExtension,
  BitNetSettingsSchema,
  createBitNetModel,
  PACKED_FILE,
  saveModelCheckpoint,
  ternaryLayerNames,
  trainBpe,
  useBackend,
  writePackedWeights,
} from '@agent-forge/core';
import { isCompressedModelDir } from '@agent-forge/compression';
import { EdgeEngine, chatPrompt } from '@agent-forge/edge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCommand } from '../src/commands/chat.js';
import { loadEdgeModel } from '../src/load-model.js';
import { compressDeployable } from './compress-deployable.js';

const MICRO = { dModel: 16, nLayers: 1, nHeads: 2, contextLength: 128, initStd: 0.3 };
let root: string;
let compressedDir: string;

beforeAll(async () => {
  await useBackend('cpu');
  root = mkdtempSync(path.join(os.tmpdir(), 'forge-compressed-chat-'));
  const tokenizer = trainBpe(['Question: Tom has 3 apples and buys 2 more.\nAnswer: 3+2=5\n#### 5'], {
    vocabSize: 300,
  });
  // The model's vocabulary is the tokenizer's, so every generated id decodes.
  const bitnet = createBitNetModel({ ...MICRO, vocabSize: tokenizer.vocabSize }, {}, 4);
  const ternaryDir = path.join(root, 'ternary');
  const settings = BitNetSettingsSchema.parse({});
  await saveModelCheckpoint(ternaryDir, {
    model: bitnet,
    tokenizer,
    extensions: { bitnet: bitnetExtension(bitnet, settings) },
  });
  await writePackedWeights(path.join(ternaryDir, PACKED_FILE), bitnet, ternaryLayerNames(bitnet, settings));
  bitnet.dispose();
  const { result } = await compressDeployable(ternaryDir, path.join(root, 'runs'), { preset: 'tiny' });
  compressedDir = result.models[0]?.dir ?? '';
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('forge chat on a compressed model', () => {
  it('loads the compressed directory (no model.safetensors) and answers with its greedy reply', async () => {
    expect(await isCompressedModelDir(compressedDir)).toBe(true);
    expect(existsSync(path.join(compressedDir, 'model.safetensors'))).toBe(false);
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    input.end('Tom has 3 apples.\n/exit\n');
    await chatCommand({ modelDir: compressedDir, input, output, maxTokens: 6 });
    const model = await loadEdgeModel(compressedDir);
    const expected = await new EdgeEngine(model).complete({
      prompt: chatPrompt([{ role: 'user', content: 'Tom has 3 apples.' }]),
      maxTokens: 6,
      stop: ['\nQuestion:'],
    });
    model.dispose();
    expect(expected.text.length).toBeGreaterThan(0);
    expect(text).toContain(`model> ${expected.text}`);
  });
});
