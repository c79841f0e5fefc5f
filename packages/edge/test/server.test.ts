import { rmSync } from 'node:fs';
import path from 'node:path';
import { tf, useBackend } from '@agent-forge/core';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeEngine, loadPackedKernelModel, serveModel, type EdgeModel, type RunningServer } from '../src/index.js';
import { saveBitNetDir, tempDir } from './helpers.js';

let dir: string;
let edgeModel: EdgeModel;
let running: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  await useBackend('cpu');
  dir = tempDir('server');
  await saveBitNetDir(path.join(dir, 'model'), { titan: true, seed: 11 });
  const loaded = await loadPackedKernelModel(path.join(dir, 'model'));
  edgeModel = {
    id: 'micro',
    model: loaded.model,
    tokenizer: loaded.tokenizer,
    kind: 'packed-ternary',
    personas: [],
    dispose: () => loaded.model.dispose(),
  };
  running = await serveModel(new EdgeEngine(edgeModel), { port: 0 });
  client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
});
afterAll(async () => {
  await running.close();
  edgeModel.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const post = (route: string, body: string) =>
  fetch(`${running.url}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

describe('forge serve (OpenAI-compatible, real HTTP)', () => {
  it('binds to 127.0.0.1 and answers /health and /v1/models', async () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${running.url}/health`)).json()) as { status: string; model: string };
    expect(health).toMatchObject({ status: 'ok', model: 'micro' });
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['micro']);
  });

  it('serves /v1/completions to the openai client, streaming and not, with the same greedy text', async () => {
    const completion = await client.completions.create({
      model: 'micro',
      prompt: 'Question: 2 + 3?\nAnswer:',
      max_tokens: 8,
      temperature: 0,
    });
    const choice = completion.choices[0];
    expect(completion.object).toBe('text_completion');
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(choice?.finish_reason);
    const stream = await client.completions.create({
      model: 'micro',
      prompt: 'Question: 2 + 3?\nAnswer:',
      max_tokens: 8,
      temperature: 0,
      stream: true,
    });
    const pieces: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      pieces.push(chunk.choices[0]?.text ?? '');
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(pieces.join('')).toBe(choice?.text);
    expect(finish).toBe(choice?.finish_reason);
  });

  it('serves /v1/chat/completions to the openai client, streaming with SSE deltas', async () => {
    const messages = [{ role: 'user' as const, content: 'What is 4 times 5?' }];
    const reply = await client.chat.completions.create({ model: 'micro', messages, max_tokens: 10 });
    expect(reply.object).toBe('chat.completion');
    expect(reply.choices[0]?.message.role).toBe('assistant');
    const stream = await client.chat.completions.create({
      model: 'micro',
      messages,
      max_tokens: 10,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage?.completion_tokens ?? usage;
    }
    expect(text).toBe(reply.choices[0]?.message.content);
    expect(usage).toBe(reply.usage?.completion_tokens);
  });

  it('queues concurrent requests: each gets the answer it gets alone', async () => {
    const prompts = ['Question: 1 + 1?\nAnswer:', 'Question: 9 - 4?\nAnswer:', 'Question: 7 + 8?\nAnswer:'];
    const alone: string[] = [];
    for (const prompt of prompts)
      alone.push((await client.completions.create({ model: 'micro', prompt, max_tokens: 10 })).choices[0]?.text ?? '');
    const together = await Promise.all(
      prompts.map((prompt, i) =>
        i === 1
          ? client.completions.create({ model: 'micro', prompt, max_tokens: 10, stream: true }).then(async (stream) => {
              let text = '';
              for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
              return text;
            })
          : client.completions.create({ model: 'micro', prompt, max_tokens: 10 }).then((c) => c.choices[0]?.text ?? ''),
      ),
    );
    expect(alone.every((text) => text.length > 0)).toBe(true);
    expect(new Set(alone).size).toBeGreaterThan(1);
    expect(together).toEqual(alone);
  });

  it('answers bad requests with 4xx JSON errors and keeps serving', async () => {
    const cases: Array<[string, string, number, RegExp]> = [
      ['/v1/completions', '{"model": "micro", "prompt": ', 400, /not valid JSON/],
      ['/v1/completions', JSON.stringify({ model: 'gpt-4', prompt: 'hi' }), 404, /does not exist/],
      [
        '/v1/completions',
        JSON.stringify({ model: 'micro', prompt: 'hi', max_tokens: 0 }),
        400,
        /max_tokens must be between 1 and 24/,
      ],
      ['/v1/completions', JSON.stringify({ model: 'micro', prompt: 'hi', max_tokens: 1000 }), 400, /max_tokens/],
      [
        '/v1/completions',
        JSON.stringify({ model: 'micro', prompt: 'word '.repeat(40) }),
        400,
        /more than the model's context of 24/,
      ],
      ['/v1/chat/completions', JSON.stringify({ model: 'micro', messages: [] }), 400, /messages/],
      ['/v1/chat/completions', JSON.stringify({ model: 'micro' }), 400, /messages/],
      ['/v1/nothing', '{}', 404, /no route/],
    ];
    for (const [route, body, status, message] of cases) {
      const response = await post(route, body);
      expect(response.status).toBe(status);
      const json = (await response.json()) as { error: { message: string; type: string } };
      expect(json.error.message).toMatch(message);
    }
    const tooLong = await post('/v1/completions', JSON.stringify({ model: 'micro', prompt: 'word '.repeat(40) }));
    expect(((await tooLong.json()) as { error: { code: string } }).error.code).toBe('context_length_exceeded');
    await expect(client.completions.create({ model: 'nope', prompt: 'x' })).rejects.toMatchObject({ status: 404 });
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
  });

  it('holds no more tensors or memory after 2N requests than after N (plain, streamed, chat, cut off, bad)', async () => {
    const mixed = async (): Promise<void> => {
      await client.completions.create({ model: 'micro', prompt: 'Question: 4 + 4?\nAnswer:', max_tokens: 6 });
      const stream = await client.chat.completions.create({
        model: 'micro',
        messages: [{ role: 'user', content: 'Tom has 3 apples.' }],
        max_tokens: 6,
        stream: true,
      });
      for await (const chunk of stream) if (chunk.choices[0]?.delta) break; // the client hangs up mid-stream
      await post('/v1/completions', JSON.stringify({ model: 'micro', prompt: 'word '.repeat(40) }));
    };
    const settle = async (): Promise<void> => {
      // A cut-off stream's generation ends on the server after the client has gone: wait for the queue.
      await client.completions.create({ model: 'micro', prompt: 'x', max_tokens: 1 });
    };
    for (let i = 0; i < 3; i++) await mixed();
    await settle();
    const after = async (rounds: number): Promise<{ tensors: number; bytes: number }> => {
      for (let i = 0; i < rounds; i++) await mixed();
      await settle();
      const memory = tf.memory();
      return { tensors: memory.numTensors, bytes: memory.numBytes };
    };
    const first = await after(4);
    const second = await after(8);
    expect(second).toEqual(first);
  });
});
