import { rmSync } from 'node:fs';
import { TinyTitan, buildModel, generate, loadPackedModel, tf, useBackend } from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStreaming, loadPackedKernelModel, streamTokens } from '../src/index.js';
import { MICRO, createBitNet, randomIds, recomputeGreedy, saveBitNetDir, tempDir } from './helpers.js';

const dirs: string[] = [];
beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function streamed(model: TinyTitan, prompt: number[], maxNewTokens: number): Promise<number[]> {
  const tokens: number[] = [];
  for await (const token of streamTokens(model, prompt, { maxNewTokens })) tokens.push(token);
  return tokens;
}

describe('cached streaming generation', () => {
  it('gives exactly the tokens of a full recompute at every step (dense model)', async () => {
    const model = new TinyTitan(MICRO, { seed: 7 });
    const prompt = randomIds(1, 5, 320);
    const tokens = await streamed(model, prompt, 12);
    expect(tokens).toEqual(recomputeGreedy(model, prompt, 12));
    expect(new Set(tokens).size).toBeGreaterThan(1);
    expect(tokens).toEqual((await generate(model, prompt, { maxNewTokens: 12 })).tokens);
    model.dispose();
  });

  it('does so with ACT + memory and BitLinear layers (cognate → bitnet models)', async () => {
    const { model } = createBitNet({ titan: true, seed: 4 });
    const prompt = randomIds(2, 6, 320);
    expect(await streamed(model, prompt, 14)).toEqual(recomputeGreedy(model, prompt, 14));
    model.dispose();
  });

  it('does so on the packed ternary kernel, whose logits match the float (dequantized) path', async () => {
    const dir = tempDir('packed');
    dirs.push(dir);
    await saveBitNetDir(dir, { titan: true, seed: 6 });
    const packed = await loadPackedKernelModel(dir);
    const float = await loadPackedModel(dir);
    const prompt = randomIds(3, 7, 320);
    const tokens = await streamed(packed.model, prompt, 12);
    expect(tokens).toEqual(recomputeGreedy(packed.model, prompt, 12));
    const input = tf.tensor2d([...prompt, ...tokens.slice(0, 5)], [1, 12], 'int32');
    const [a, b] = [packed.model.forward(input), float.model.forward(input)];
    const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
    const range = tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0] as number);
    expect(gap).toBeLessThan(1e-3 * range);
    expect(tokens).toEqual(await streamed(float.model, prompt, 12));
    tf.dispose([input, a, b]);
    packed.model.dispose();
    float.model.dispose();
  });

  it('streams tokens before generation ends, stops on a stop token, at max tokens and at a full context', async () => {
    const model = new TinyTitan(MICRO, { seed: 8 });
    const prompt = randomIds(4, 4, 320);
    const all = await streamed(model, prompt, 6);
    const seen: number[] = [];
    const stopAt = await generateStreaming(
      model,
      prompt,
      { maxNewTokens: 6, stopTokens: [all[2] as number] },
      (token) => seen.push(token),
    );
    expect(stopAt.stopReason).toBe('stop-token');
    expect(seen).toEqual(all.slice(0, all.indexOf(all[2] as number) + 1));
    const full = await generateStreaming(model, randomIds(5, 20, 320), { maxNewTokens: 50 });
    expect(full.stopReason).toBe('context-full');
    expect(full.tokens).toHaveLength(5);
    expect(full.stepMs).toHaveLength(4);
    model.dispose();
  });

  it('stops when the signal aborts, keeping the tokens so far', async () => {
    const model = new TinyTitan(MICRO, { seed: 9 });
    const controller = new AbortController();
    const summary = await generateStreaming(
      model,
      randomIds(6, 3, 320),
      { maxNewTokens: 15, signal: controller.signal },
      () => controller.abort(),
    );
    expect(summary.stopReason).toBe('aborted');
    expect(summary.tokens).toHaveLength(1);
    model.dispose();
  });

  it('rejects a prompt longer than the context with a ForgeError naming the prompt', async () => {
    const model = buildModel(MICRO, {}, { seed: 1 });
    await expect(generateStreaming(model, randomIds(7, 25, 320), { maxNewTokens: 1 })).rejects.toThrow(
      /prompt has 25 tokens/,
    );
    model.dispose();
  });
});
