import { useBackend } from '../../src/backend/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { ForgeError } from '../../src/errors.js';
import { argmax, generate, pickToken, TinyTitan } from '../../src/model/index.js';
import { Rng } from '../../src/rng/rng.js';
import { MICRO } from './helpers.js';

/** Greedy decoding the slow way: a full forward over the whole sequence for every new token. */
function greedyByFullForward(model: TinyTitan, prompt: number[], count: number): number[] {
  const sequence = [...prompt];
  for (let i = 0; i < count; i++) {
    const row = tf.tidy(() => {
      const logits = model.forward(tf.tensor2d([sequence], [1, sequence.length], 'int32'));
      return tf.slice(logits, [0, sequence.length - 1, 0], [1, 1, -1]).dataSync();
    });
    sequence.push(argmax(row));
  }
  return sequence.slice(prompt.length);
}

describe('generate', () => {
  let model: TinyTitan;
  const prompt = [4, 17, 9];

  beforeAll(async () => {
    await useBackend('cpu');
    // A larger init spreads the logits, so greedy picks are not near-ties and sampling is not uniform.
    model = new TinyTitan({ ...MICRO, initStd: 0.3 }, { seed: 12 });
  });
  afterAll(() => model.dispose());

  it('at temperature 0 equals argmax of a full forward, step by step, without leaking', async () => {
    const before = tf.memory().numTensors;
    const result = await generate(model, prompt, { maxNewTokens: 10 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toEqual({ tokens: greedyByFullForward(model, prompt, 10), stopReason: 'max-new-tokens' });
    expect(new Set(result.tokens).size).toBeGreaterThan(1);
  });

  it('samples the same tokens from the same seed and different ones from another seed', async () => {
    const options = { maxNewTokens: 12, temperature: 1.5 };
    const first = await generate(model, prompt, { ...options, seed: 1 });
    const again = await generate(model, prompt, { ...options, seed: 1 });
    const other = await generate(model, prompt, { ...options, seed: 2 });
    expect(again.tokens).toEqual(first.tokens);
    expect(other.tokens).not.toEqual(first.tokens);
    expect(first.tokens).not.toEqual((await generate(model, prompt, { maxNewTokens: 12 })).tokens);
  });

  it('with topK 1 equals greedy whatever the temperature and seed', async () => {
    const greedy = await generate(model, prompt, { maxNewTokens: 10 });
    const topOne = await generate(model, prompt, { maxNewTokens: 10, temperature: 5, topK: 1, seed: 99 });
    expect(topOne.tokens).toEqual(greedy.tokens);
  });

  it('stops after a stop token and includes it', async () => {
    const greedy = await generate(model, prompt, { maxNewTokens: 10 });
    const stopAt = greedy.tokens[3] as number;
    const firstIndex = greedy.tokens.indexOf(stopAt);
    const stopped = await generate(model, prompt, { maxNewTokens: 10, stopTokens: [stopAt] });
    expect(stopped).toEqual({ tokens: greedy.tokens.slice(0, firstIndex + 1), stopReason: 'stop-token' });
  });

  it('stops when the context is full: prompt + output reach contextLength + 1 tokens', async () => {
    const longPrompt = Array.from({ length: 14 }, (_, i) => i + 1);
    const result = await generate(model, longPrompt, { maxNewTokens: 10 });
    expect(result.stopReason).toBe('context-full');
    expect(result.tokens).toEqual(greedyByFullForward(model, longPrompt, 3));
  });

  it('rejects empty, too long or out-of-vocabulary prompts and bad options', async () => {
    await expect(generate(model, [], { maxNewTokens: 1 })).rejects.toThrow(ForgeError);
    await expect(
      generate(
        model,
        Array.from({ length: 17 }, () => 1),
        { maxNewTokens: 1 },
      ),
    ).rejects.toThrow(/1 to 16/);
    await expect(generate(model, [48], { maxNewTokens: 1 })).rejects.toThrow(/not in \[0, 48\)/);
    await expect(generate(model, [1], { maxNewTokens: 1, temperature: -1 })).rejects.toThrow(/temperature/);
  });
});

describe('pickToken', () => {
  const logits = Float32Array.from([1, 3, 2, 3, 0]);

  it('is argmax at temperature 0, taking the lowest index on a tie', () => {
    expect(pickToken(logits, { temperature: 0 }, Rng.fromSeed(1))).toBe(1);
  });

  it('draws with softmax(logits / T) frequencies, restricted to the top k', () => {
    const rng = Rng.fromSeed(3);
    const counts = new Array(5).fill(0) as number[];
    const draws = 20_000;
    for (let i = 0; i < draws; i++) (counts[pickToken(logits, { temperature: 2, topK: 3 }, rng)] as number)++;
    // Top 3 are indices 1, 3 (logit 3) and 2 (logit 2): weights e^1.5, e^1.5, e^1.
    const total = 2 * Math.exp(1.5) + Math.exp(1);
    expect(counts[0]).toBe(0);
    expect(counts[4]).toBe(0);
    expect((counts[1] as number) / draws).toBeCloseTo(Math.exp(1.5) / total, 1);
    expect((counts[2] as number) / draws).toBeCloseTo(Math.exp(1) / total, 1);
  });
});

describe('generate with a token injector (the calculator hook)', () => {
  let model: TinyTitan;
  const prompt = [4, 17, 9];
  beforeAll(async () => {
    await useBackend('cpu');
    model = new TinyTitan({ ...MICRO, initStd: 0.3 }, { seed: 12 });
  });
  afterAll(() => model.dispose());

  it('appends the injected tokens as output and feeds them to the model before the next pick', async () => {
    const injectAfterFirst = (generated: readonly number[]): number[] => (generated.length === 1 ? [5, 6] : []);
    const result = await generate(model, prompt, { maxNewTokens: 6, injector: injectAfterFirst });
    const first = result.tokens[0] as number;
    expect(result.tokens.slice(1, 3)).toEqual([5, 6]);
    // What follows must be what a full forward over prompt + first + injected picks: the injected
    // tokens were fed through the cache, not just printed.
    expect(result.tokens.slice(3)).toEqual(greedyByFullForward(model, [...prompt, first, 5, 6], 3));
    expect(result.tokens).toHaveLength(6);
  });

  it('counts injected tokens against maxNewTokens and the context', async () => {
    const always = (): number[] => [7, 7, 7, 7];
    const budget = await generate(model, prompt, { maxNewTokens: 3, injector: always });
    expect(budget.tokens.slice(1)).toEqual([7, 7]);
    expect(budget.stopReason).toBe('max-new-tokens');
    const full = await generate(model, prompt, { maxNewTokens: 100, injector: always });
    expect(prompt.length + full.tokens.length).toBe(MICRO.contextLength + 1);
    expect(full.stopReason).toBe('context-full');
  });

  it('rejects an injector that is not a function, naming the field', async () => {
    await expect(generate(model, prompt, { maxNewTokens: 2, injector: 3 as never })).rejects.toThrow(/injector/);
  });
});
