// `--runtime llama.cpp|onnxruntime`: chat and serve generate with llama.cpp (node-llama-cpp) on the model
// exported to GGUF, or with onnxruntime-node on it exported to ONNX, and a plain model answers exactly as
// with our runtime (greedy), through the same prompt layout, stop strings and token counts.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { TinyTitan, saveModelCheckpoint, trainBpe, useBackend } from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCommand } from '../src/commands/chat.js';
import type { RuntimeName } from '../src/runtimes/index.js';
import { startServe } from '../src/commands/serve.js';

let root: string;
let denseDir: string;

beforeAll(async () => {
  await useBackend('cpu');
  root = mkdtempSync(path.join(os.tmpdir(), 'forge-runtime-'));
  const tokenizer = trainBpe(['Question: Tom has 3 apples and buys 2 more.\nAnswer: 3+2=5\n#### 5'], {
    vocabSize: 300,
  });
  denseDir = path.join(root, 'dense');
  const dense = new TinyTitan(
    { vocabSize: tokenizer.vocabSize, dModel: 32, nLayers: 1, nHeads: 2, contextLength: 64, initStd: 0.3 },
    { seed: 5 },
  );
  await saveModelCheckpoint(denseDir, { model: dense, tokenizer });
  dense.dispose();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function chatTranscript(runtime: RuntimeName): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  input.end('Tom has 3 apples.\nHow many?\n/exit\n');
  // One llama.cpp thread: more only spin against the other jobs of a 2-core machine.
  await chatCommand({ modelDir: denseDir, input, output, maxTokens: 12, runtime, threads: 1 });
  // Everything but the timings and the header, which names the runtime.
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.replace(/, [\d.]+ ms\/token/, ''))
    .join('\n');
}

describe('--runtime llama.cpp and onnxruntime', () => {
  it('forge chat answers exactly as with our runtime', async () => {
    const ours = await chatTranscript('forge');
    expect(ours).toMatch(/model> .+\n\(\d+ tokens\)/);
    expect(await chatTranscript('llama.cpp')).toBe(ours);
    expect(await chatTranscript('onnxruntime')).toBe(ours);
  });

  it('forge serve completes exactly as with our runtime', async () => {
    const complete = async (runtime: RuntimeName): Promise<unknown> => {
      const { server, stop } = await startServe({
        modelDir: denseDir,
        port: 0,
        print: () => undefined,
        runtime,
        threads: 1,
      });
      try {
        const response = await fetch(`${server.url}/v1/completions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ model: 'dense', prompt: 'Question: 1+1?\nAnswer:', max_tokens: 10 }),
        });
        const body = (await response.json()) as {
          choices: Array<{ text: string; finish_reason: string }>;
          usage: unknown;
        };
        return { text: body.choices[0]?.text, finish: body.choices[0]?.finish_reason, usage: body.usage };
      } finally {
        await stop();
      }
    };
    const ours = await complete('forge');
    expect(ours).toMatchObject({ usage: { completion_tokens: 10 } });
    expect(await complete('llama.cpp')).toEqual(ours);
    expect(await complete('onnxruntime')).toEqual(ours);
  });
});

describe('the calculator with another runtime', () => {
  it('is an error naming the flag, before anything is exported', async () => {
    for (const runtime of ['llama.cpp', 'onnxruntime'] as const) {
      await expect(
        chatCommand({
          modelDir: denseDir,
          input: new PassThrough(),
          output: new PassThrough(),
          runtime,
          calculator: true,
        }),
      ).rejects.toThrow(/--runtime .* does not run the calculator/);
    }
  });
});
