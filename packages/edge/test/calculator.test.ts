import { TinyTitan, generate, useBackend, type BpeTokenizer } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EdgeEngine, generateStreaming, type EdgeModel } from '../src/index.js';
import { MICRO, randomIds } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/**
 * A tokenizer whose text of the generated ids reads `<<7*6=` once two tokens are out, and whose
 * encoding of the calculator's answer `42>>` is [1, 2, 3]: what the engine injects is then visible
 * in the token ids, whatever the random model picks.
 */
function scriptedTokenizer(): BpeTokenizer {
  return {
    encode: (text: string) => (text === '42>>' ? [1, 2, 3] : [5]),
    decode: (ids: ArrayLike<number>) => (ids.length === 2 ? 'so <<7*6=' : 'x'.repeat(ids.length)),
  } as unknown as BpeTokenizer;
}

function edgeModelOf(model: TinyTitan): EdgeModel {
  return {
    id: 'scripted',
    model,
    tokenizer: scriptedTokenizer(),
    kind: 'float',
    personas: [],
    dispose: () => model.dispose(),
  };
}

describe('the calculator in the edge runtime', () => {
  it('streams the injected tokens and feeds them, exactly as core generate does', async () => {
    const model = new TinyTitan(MICRO, { seed: 7 });
    const prompt = randomIds(1, 5, 320);
    const injector = (generated: readonly number[]): number[] => (generated.length === 2 ? [1, 2, 3] : []);
    const streamed = await generateStreaming(model, prompt, { maxNewTokens: 9, injector });
    expect(streamed.tokens.slice(2, 5)).toEqual([1, 2, 3]);
    expect(streamed.tokens).toEqual((await generate(model, prompt, { maxNewTokens: 9, injector })).tokens);
    model.dispose();
  });

  it('the engine runs it when asked, and only then', async () => {
    const model = new TinyTitan(MICRO, { seed: 7 });
    const request = { prompt: randomIds(1, 5, 320), maxTokens: 8 };
    const withCalculator = await new EdgeEngine(edgeModelOf(model), { calculator: true }).complete(request);
    const without = await new EdgeEngine(edgeModelOf(model)).complete(request);
    expect(withCalculator.summary.tokens.slice(2, 5)).toEqual([1, 2, 3]);
    expect(without.summary.tokens.slice(2, 5)).not.toEqual([1, 2, 3]);
    expect(withCalculator.summary.tokens.slice(0, 2)).toEqual(without.summary.tokens.slice(0, 2));
    model.dispose();
  });

  it('refuses the calculator with another runtime', () => {
    const model = new TinyTitan(MICRO, { seed: 7 });
    const generateElsewhere = async (): Promise<never> => {
      throw new Error('not called');
    };
    expect(() => new EdgeEngine(edgeModelOf(model), { calculator: true, generate: generateElsewhere })).toThrow(
      /calculator/,
    );
    model.dispose();
  });
});
