import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import {
  ADAPTERS_DIR,
  bitnetExtension,
  BitNetSettingsSchema,
  buildModel,
  createBitNetModel,
  LoraAdapters,
  loraExtension,
  PACKED_FILE,
  parseModelConfig,
  saveAdapterFile,
  saveModelCheckpoint,
  silentProgress,
  ternaryLayerNames,
  TinyTitan,
  trainBpe,
  useBackend,
  writePackedWeights,
} from '@agent-forge/core';
import { loraTargetLayers } from '@agent-forge/baking';
import { EdgeEngine, chatPrompt } from '@agent-forge/edge';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProgram } from '../src/index.js';
import { chatCommand } from '../src/commands/chat.js';
import type { ChatCommandOptions } from '../src/commands/chat.js';
import { startServe } from '../src/commands/serve.js';
import { loadEdgeModel } from '../src/load-model.js';

// The tokenizer is trained on one line, so most text is a token per character: 'Question: Tom has 3 apples.\nAnswer:'
// is 32 tokens, and the context leaves room for it and an answer.
const MICRO = { vocabSize: 300, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 64, initStd: 0.3 };
let root: string;
let packedDir: string;
let denseDir: string;
let bakedDir: string;

beforeAll(async () => {
  await useBackend('cpu');
  root = mkdtempSync(path.join(os.tmpdir(), 'forge-edge-'));
  const tokenizer = trainBpe(['Question: Tom has 3 apples and buys 2 more.\nAnswer: 3+2=5\n#### 5'], {
    vocabSize: 300,
  });
  const bitnet = createBitNetModel(MICRO, {}, 4);
  packedDir = path.join(root, 'ternary');
  const settings = BitNetSettingsSchema.parse({});
  await saveModelCheckpoint(packedDir, {
    model: bitnet,
    tokenizer,
    extensions: { bitnet: bitnetExtension(bitnet, settings) },
  });
  await writePackedWeights(path.join(packedDir, PACKED_FILE), bitnet, ternaryLayerNames(bitnet, settings));
  bitnet.dispose();
  denseDir = path.join(root, 'dense');
  const dense = new TinyTitan(MICRO, { seed: 2 });
  await saveModelCheckpoint(denseDir, { model: dense, tokenizer });
  dense.dispose();
  // A baked model: the dense base with two LoRA adapters (personas) beside it, as the baking phase saves it.
  bakedDir = path.join(root, 'baked');
  const baked = buildModel(
    MICRO,
    { lora: loraExtension(loraTargetLayers(parseModelConfig(MICRO), ['q', 'v'])) },
    { seed: 3 },
  );
  const adapters = LoraAdapters.of(baked);
  adapters.create('math', { rank: 2, alpha: 1 }, 5);
  adapters.create('code', { rank: 2, alpha: 1 }, 6);
  await saveModelCheckpoint(bakedDir, { model: baked, tokenizer });
  mkdirSync(path.join(bakedDir, ADAPTERS_DIR));
  for (const name of ['math', 'code'])
    await saveAdapterFile(path.join(bakedDir, ADAPTERS_DIR, `${name}.safetensors`), adapters, name, name);
  baked.dispose();
});

/** Commander throws instead of exiting, and its messages are kept. */
function testProgram(lines: string[], signals?: EventEmitter): ReturnType<typeof createProgram> {
  const program = createProgram({ print: (line) => lines.push(line), progress: silentProgress, signals });
  for (const command of [program, ...program.commands]) {
    command
      .exitOverride()
      .configureOutput({ writeOut: (text) => lines.push(text), writeErr: (text) => lines.push(text) });
  }
  return program;
}

/** Runs a chat on `script` (one input line each) and returns everything it wrote. */
async function chat(script: string, options: Partial<ChatCommandOptions> & { modelDir: string }): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  input.end(script);
  await chatCommand({ input, output, maxTokens: 4, ...options });
  return text;
}

// vi.waitFor needs a finite limit (setTimeout turns Infinity into 1 ms): the largest one, i.e. none; a hang is
// stopped by CI's job limit, never by a clock a busy machine can run out.
const NO_TIME_LIMIT = 2 ** 31 - 1;
const waitFor = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: NO_TIME_LIMIT, interval: 20 });
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('model loaders', () => {
  it('picks the packed kernel for a BitNet directory, the float path on request, core for a plain checkpoint', async () => {
    for (const [dir, options, kind] of [
      [packedDir, {}, 'packed-ternary'],
      [packedDir, { float: true }, 'float'],
      [denseDir, {}, 'float'],
    ] as const) {
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
    await expect(program.parseAsync(['node', 'forge', 'chat', root, '--backend', 'cpu'])).rejects.toThrow(
      /is not a model directory/,
    );
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
    const expected = await new EdgeEngine(model).complete({
      prompt: chatPrompt([{ role: 'user', content: 'Tom has 3 apples.' }]),
      maxTokens: 6,
      stop: ['\nQuestion:'],
    });
    model.dispose();
    expect(expected.text.length).toBeGreaterThan(0);
    expect(text).toContain(`model> ${expected.text}`);
    expect(text).toContain('(conversation cleared)');
    expect(text).not.toContain('error:');
    expect(text.match(/model> /g)).toHaveLength(2);
    expect(text).toMatch(/\(\d+ tokens, [\d.]+ ms\/token\)/);
  });

  it('switches the personas of a baked model, and reports a persona or a message it cannot use', async () => {
    const text = await chat('/persona math\n/persona pirate\n/persona none\n/persona\n/exit\n', {
      modelDir: bakedDir,
      persona: 'code',
    });
    expect(text).toMatch(/^baked \(baked, context 64 tokens\) — personas: code, math\n/);
    expect(text).toContain('(persona: math)\n');
    expect(text).toMatch(/\nerror: .*unknown persona 'pirate'/);
    expect(text.match(/\(persona: none\)\n/g)).toHaveLength(2);
  });

  it('says a model without adapters has no personas, and refuses a message longer than the context', async () => {
    const text = await chat(`/persona math\n${'seven apples and nine pears '.repeat(20)}\n/exit\n`, {
      modelDir: packedDir,
    });
    expect(text).toContain("\nerror: field 'persona': this model has no personas (it is not a baked model)\n");
    expect(text).toContain("\nerror: field 'message': the message is too long for the model's context of 64 tokens\n");
  });

  it('stops an answer at Ctrl-C and keeps chatting', async () => {
    const signals = new EventEmitter();
    let text = '';
    // Ctrl-C arrives the moment the answer starts: the reply is cut off before its first token.
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        if (chunk.toString() === 'model> ' && !text.includes('[stopped]')) signals.emit('SIGINT');
        done();
      },
    });
    const input = new PassThrough();
    input.end('Tom has 3 apples.\n/exit\n');
    await chatCommand({ modelDir: packedDir, input, output, maxTokens: 8, signals });
    expect(text).toMatch(/model> {2}\[stopped\]\n\(0 tokens, /);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('quits on a second Ctrl-C while waiting for input', async () => {
    const signals = new EventEmitter();
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const chatting = chatCommand({ modelDir: packedDir, input, output, signals });
    await waitFor(() => expect(text).toContain('you> '));
    signals.emit('SIGINT');
    expect(text).toContain('(Ctrl-C again, Ctrl-D or /exit to quit)');
    signals.emit('SIGINT');
    await chatting;
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});

describe('forge serve', () => {
  it('serves the model over real HTTP on 127.0.0.1 until stopped', async () => {
    const lines: string[] = [];
    const { server, stop } = await startServe({ modelDir: packedDir, port: 0, print: (line) => lines.push(line) });
    try {
      expect(lines[0]).toMatch(/serving ternary \(packed-ternary\) at http:\/\/127\.0\.0\.1:\d+\/v1/);
      const response = await fetch(`${server.url}/v1/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'ternary', prompt: 'Question: 1+1?\nAnswer:', max_tokens: 4 }),
      });
      const body = (await response.json()) as {
        choices: Array<{ text: string }>;
        usage: { completion_tokens: number };
      };
      expect(response.status).toBe(200);
      expect(body.usage.completion_tokens).toBeGreaterThan(0);
    } finally {
      await stop();
    }
  });

  it("runs as `forge serve` until SIGTERM, logging requests with -v, and lists a baked model's personas", async () => {
    const lines: string[] = [];
    const signals = new EventEmitter();
    const serving = testProgram(lines, signals).parseAsync([
      'node',
      'forge',
      'serve',
      bakedDir,
      '--port',
      '0',
      '--backend',
      'cpu',
      '-v',
    ]);
    await waitFor(() => expect(lines.some((line) => line.startsWith('serving'))).toBe(true));
    expect(lines[0]).toMatch(/^backend: cpu/);
    expect(lines[1]).toMatch(/^serving baked \(baked, personas: code, math\) at http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const url = /at (\S+)\/v1$/.exec(lines[1] ?? '')?.[1] ?? '';
    expect((await fetch(`${url}/health`)).status).toBe(200);
    await waitFor(() => expect(lines).toContainEqual(expect.stringMatching(/health 200 \d+ ms$/)));
    signals.emit('SIGTERM');
    await serving;
    expect(lines.at(-1)).toBe('stopping the server');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('fails on a port already in use, and on a bad --threads value', async () => {
    const first = await startServe({ modelDir: denseDir, port: 0, print: () => undefined });
    try {
      const port = Number(new URL(first.server.url).port);
      await expect(startServe({ modelDir: denseDir, port, print: () => undefined })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.stop();
    }
    const lines: string[] = [];
    await expect(
      testProgram(lines).parseAsync(['node', 'forge', 'serve', denseDir, '--threads', '1.5']),
    ).rejects.toThrow(/expected a non-negative integer, got '1\.5'/);
  });
});
