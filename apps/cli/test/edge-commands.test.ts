import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { TinyTitan, saveModelCheckpoint, silentProgress, trainBpe, useBackend } from '@agent-forge/core';
import { PACKED_FILE, createBitNetModel, ternaryLayerNames, writePackedWeights, BitNetSettingsSchema, bitnetExtension } from '@agent-forge/bitnet';
import { EdgeEngine, chatPrompt } from '@agent-forge/edge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../src/index.js';
import { chatCommand } from '../src/commands/chat.js';
import { startServe } from '../src/commands/serve.js';
import { loadEdgeModel } from '../src/load-model.js';

const MICRO = { vocabSize: 300, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 32, initStd: 0.3 };
let root: string;
let packedDir: string;
let denseDir: string;

beforeAll(async () => {
  await useBackend('cpu');
  root = mkdtempSync(path.join(os.tmpdir(), 'forge-edge-'));
  const tokenizer = trainBpe(['Question: Tom has 3 apples and buys 2 more.\nAnswer: 3+2=5\n#### 5'], { vocabSize: 300 });
  const bitnet = createBitNetModel(MICRO, {}, 4);
  packedDir = path.join(root, 'ternary');
  const settings = BitNetSettingsSchema.parse({});
  await saveModelCheckpoint(packedDir, { model: bitnet, tokenizer, extensions: { bitnet: bitnetExtension(bitnet, settings) } });
  await writePackedWeights(path.join(packedDir, PACKED_FILE), bitnet, ternaryLayerNames(bitnet, settings));
  bitnet.dispose();
  denseDir = path.join(root, 'dense');
  const dense = new TinyTitan(MICRO, { seed: 2 });
  await saveModelCheckpoint(denseDir, { model: dense, tokenizer });
  dense.dispose();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('model loaders', () => {
  it('picks the packed kernel for a BitNet directory, the float path on request, core for a plain checkpoint', async () => {
    for (const [dir, options, kind] of [[packedDir, {}, 'packed-ternary'], [packedDir, { float: true }, 'float'], [denseDir, {}, 'float']] as const) {
      const model = await loadEdgeModel(dir, options);
      expect(model.kind).toBe(kind);
      model.dispose();
    }
  });

  it('refuses a directory that is not a model, and --persona on a model without adapters', async () => {
    await expect(loadEdgeModel(root)).rejects.toThrow(/is not a model directory/);
    await expect(loadEdgeModel(packedDir, { persona: 'math' })).rejects.toThrow(/--persona needs a baked model/);
  });

  it('registers chat and serve: forge chat on a non-model fails with that message', async () => {
    const program = createProgram({ print: () => undefined, progress: silentProgress });
    expect(program.commands.map((command) => command.name())).toEqual(expect.arrayContaining(['chat', 'serve']));
    await expect(program.parseAsync(['node', 'forge', 'chat', root, '--backend', 'cpu'])).rejects.toThrow(/is not a model directory/);
  });
});

describe('forge chat', () => {
  it('answers each line with the streamed greedy reply and handles /reset and /exit', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    input.end('Tom has 3 apples.\n/reset\nHow many?\n/exit\nnever read\n');
    await chatCommand({ modelDir: packedDir, input, output, maxTokens: 6 });
    const model = await loadEdgeModel(packedDir);
    const expected = await new EdgeEngine(model).complete({ prompt: chatPrompt([{ role: 'user', content: 'Tom has 3 apples.' }]), maxTokens: 6, stop: ['\nQuestion:'] });
    model.dispose();
    expect(expected.text.length).toBeGreaterThan(0);
    expect(text).toContain(`model> ${expected.text}`);
    expect(text).toContain('(conversation cleared)');
    expect(text.match(/model> /g)).toHaveLength(2);
    expect(text).toMatch(/\(\d+ tokens, [\d.]+ ms\/token\)/);
  });
});

describe('forge serve', () => {
  it('serves the model over real HTTP on 127.0.0.1 until stopped', async () => {
    const lines: string[] = [];
    const { server, stop } = await startServe({ modelDir: packedDir, port: 0, print: (line) => lines.push(line) });
    try {
      expect(lines[0]).toMatch(/serving ternary \(packed-ternary\) at http:\/\/127\.0\.0\.1:\d+\/v1/);
      const response = await fetch(`${server.url}/v1/completions`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model: 'ternary', prompt: 'Question: 1+1?\nAnswer:', max_tokens: 4 }),
      });
      const body = (await response.json()) as { choices: Array<{ text: string }>; usage: { completion_tokens: number } };
      expect(response.status).toBe(200);
      expect(body.usage.completion_tokens).toBeGreaterThan(0);
    } finally {
      await stop();
    }
  });
});
