import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { SPECIAL_IDS } from '../../src/data/index.js';
import { greedyCompleter, promptRoom } from '../../src/eval/index.js';
import { TinyTitan } from '../../src/model/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('promptRoom', () => {
  it('leaves maxNewTokens of room, but never cuts the prompt below half the context', () => {
    expect(promptRoom(256, 48)).toBe(208);
    expect(promptRoom(256, 160)).toBe(128);
    expect(promptRoom(32, 30)).toBe(16);
    expect(promptRoom(1, 64)).toBe(1);
  });
});

describe('greedyCompleter', () => {
  // One character per token, ids above the special tokens; the model is random, so only lengths matter.
  const first = SPECIAL_IDS.eos + 1;
  const tokenizer = {
    encode: (text: string) => [...text].map((char) => first + (char.charCodeAt(0) % 20)),
    decode: (ids: ArrayLike<number>) => Array.from(ids, () => 'x').join(''),
  };

  it('keeps a prompt that fits half the context whole, and stops at a full context', async () => {
    const model = new TinyTitan({ vocabSize: 40, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 32 }, { seed: 5 });
    try {
      const complete = greedyCompleter(model, tokenizer, 30, { calculator: false });
      const completion = await complete('twelve chars');
      // A 12-token prompt kept whole fills the 32-token context after 20 new tokens, plus the one sampled
      // from the full context; cut to the old room (32 − 30 = 2 tokens), the model would produce all 30.
      expect(completion.length).toBe(21);
    } finally {
      model.dispose();
    }
  });
});
