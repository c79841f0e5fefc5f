// markerRates against a recount done here: the base and baked continuations decoded greedily by a plain
// full-sequence forward and argmax (no KV cache, no batching), the prompted share counted from the given
// trajectories, and the marker taken from what the base model really writes, so the shares are not all 0.
import { buildModel, parseModelConfig, tf, trainBpe, useBackend } from '@agent-forge/core';
import type { BpeTokenizer, TinyTitan } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LoraAdapters, loraExtension, loraTargetLayers, markerRates } from '../src/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const TOKENIZER = trainBpe(['the cat sat on the mat', 'a dog ate 12 bones << 3 + 4 >>'], { vocabSize: 300 });
const CONFIG = { vocabSize: TOKENIZER.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 24, initStd: 0.3 };
const NEW_TOKENS = 4;

function greedy(model: TinyTitan, input: readonly number[]): number[] {
  const tokens = [...input];
  for (let i = 0; i < NEW_TOKENS; i++) {
    const logits = tf.tidy(() => model.forward(tf.tensor2d([tokens], [1, tokens.length], 'int32')));
    const values = logits.dataSync();
    logits.dispose();
    const last = values.subarray((tokens.length - 1) * CONFIG.vocabSize, tokens.length * CONFIG.vocabSize);
    tokens.push(last.indexOf(Math.max(...last)));
  }
  return tokens.slice(input.length);
}

const shareWith = (tokenizer: BpeTokenizer, rows: readonly (readonly number[])[], marker: string): number =>
  rows.filter((row) => tokenizer.decode(row).includes(marker)).length / rows.length;

describe('markerRates', () => {
  it('gives the share of base, prompted and baked continuations that contain the marker', async () => {
    const tokenizer = TOKENIZER;
    const model = buildModel(
      CONFIG,
      { lora: loraExtension(loraTargetLayers(parseModelConfig(CONFIG), ['q', 'v'])) },
      { seed: 3 },
    );
    const adapters = LoraAdapters.of(model);
    adapters.create('calculator', { rank: 2, alpha: 8 }, 1);
    // A freshly created adapter changes nothing (B = 0): give it weights that change the continuations.
    for (const weight of adapters.weights('calculator').values())
      weight.assign(tf.randomNormal(weight.shape, 0, 0.5, 'float32', 7));
    const inputs = ['the cat', 'a dog', 'the mat', 'bones', 'sat on', '12 3'].map((text) => tokenizer.encode(text));
    const base = inputs.map((input) => greedy(model, input));
    adapters.activate('calculator');
    const baked = inputs.map((input) => greedy(model, input));
    adapters.activate(null);
    // The marker: the text of the base model's first new token for the first input.
    const marker = tokenizer.decode([base[0]?.[0] as number]);
    const heldOut = inputs.map((input, i) => ({
      input,
      continuation: tokenizer.encode(i % 3 === 0 ? `x${marker}y` : 'zz'),
    }));
    const sampling = { maxNewTokens: NEW_TOKENS, temperature: 0, seed: 1, stopTokens: [] };
    const rates = await markerRates(model, adapters, 'calculator', tokenizer, heldOut, sampling, marker);

    const expected = {
      base: shareWith(tokenizer, base, marker),
      prompted: 2 / 6,
      baked: shareWith(tokenizer, baked, marker),
    };
    expect(expected.base).toBeGreaterThan(0);
    expect(baked).not.toEqual(base);
    expect(rates).toEqual(expected);
    expect(adapters.active).toBeNull(); // restored
    model.dispose();
  });
});
