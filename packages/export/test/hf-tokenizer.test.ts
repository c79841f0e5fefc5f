import { describe, expect, it } from 'vitest';
import { Tokenizer } from 'tokenizers';
import { BpeTokenizer } from '@agent-forge/core';
import { hfTokenizerJson } from '../src/index.js';
import { HELD_OUT, trainedTokenizer } from './corpus.js';

describe('the 🤗 tokenizer.json, read by the tokenizers binding', () => {
  it('encodes every held-out line to our ids and decodes them back to the text', async () => {
    const ours = await trainedTokenizer();
    expect(ours.vocabSize).toBeGreaterThan(400);
    const theirs = Tokenizer.fromString(JSON.stringify(hfTokenizerJson(ours)));
    for (const line of HELD_OUT) {
      const expected = ours.encode(line, { allowSpecial: true });
      const encoding = await theirs.encode(line, null, { addSpecialTokens: true });
      expect(encoding.getIds(), line).toEqual(expected);
      expect(await theirs.decode(expected, false), line).toBe(ours.decode(expected));
    }
    expect(theirs.getVocabSize(true)).toBe(ours.vocabSize);
  });

  it('refuses a tokenizer with two ids of the same text, which a 🤗 vocabulary cannot keep apart', () => {
    const a = 24 + 97;
    const b = 24 + 98;
    const c = 24 + 99;
    // "ab"+"c" and "a"+"bc" both spell "abc".
    const merges: Array<[number, number]> = [
      [a, b],
      [b, c],
      [280, c],
      [a, 281],
    ];
    expect(() => hfTokenizerJson(new BpeTokenizer(merges))).toThrow(/token 283 has the same text as token 282/);
  });
});
