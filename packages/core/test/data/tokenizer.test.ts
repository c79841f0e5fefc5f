import { describe, expect, it } from 'vitest';
import {
  BYTE_OFFSET,
  FIRST_MERGE_ID,
  SPECIAL_IDS,
  SPECIAL_TOKENS,
  formatProblem,
  generateProblems,
  personaToken,
  pretokenize,
  trainBpe,
} from '../../src/data/index.js';

const corpus = generateProblems({ count: 600, seed: 11, difficulty: 3 }).map((p) => formatProblem(p).text);
const tokenizer = trainBpe(corpus, { vocabSize: 512 });

const tricky: Record<string, string> = {
  empty: '',
  emoji: 'I 😀 love 🎉 parties 🚀🚀',
  zwjFamily: 'family: 👨‍👩‍👧‍👦 and 👩🏽‍💻 and 🏳️‍🌈',
  flags: '🇫🇷🇯🇵',
  accentsComposed: 'café naïve résumé Ångström',
  accentsDecomposed: 'cafe\u0301 nai\u0308ve',
  cjk: '我有三个苹果。日本語のテキスト、한국어',
  arabicRtl: 'مرحبا \u200f بالعالم',
  digits: '0123456789 12,345.67 -42 1e9 ½ ² ٣',
  whitespaceRuns: 'a  b   c    d     \u00a0\u3000 e',
  tabsNewlines: '\tindent\n\n\nline\r\nwindows\r\n\t\t',
  trailingSpaces: 'end with spaces   ',
  specialLookalikes: '<pad> <eos> <|startofthought|> <|persona_3|> < |eos| >',
  annotations: '48/2 = <<48/2=24>>24\n#### 72',
  controlChars: '\u0000\u0001\u001f\u007f nul and friends',
  bomAndZeroWidth: '\ufeffstart \u200b\u200c\u200d end',
  replacementChar: 'already \ufffd replaced',
  contractions: "it's I'LL we've they'd O'Brien's 'quoted'",
};

describe('BPE tokenizer', () => {
  it('round-trips every kind of string exactly', () => {
    for (const [name, text] of Object.entries(tricky)) {
      const ids = tokenizer.encode(text);
      expect(tokenizer.decode(ids), name).toBe(text);
      for (const id of ids) {
        expect(id, name).toBeGreaterThanOrEqual(BYTE_OFFSET);
        expect(id, name).toBeLessThan(tokenizer.vocabSize);
      }
    }
  });

  it('encodes the empty string as no tokens', () => {
    expect(tokenizer.encode('')).toEqual([]);
  });

  it('replaces a lone surrogate (not valid Unicode, so not encodable as UTF-8) with U+FFFD', () => {
    expect(tokenizer.decode(tokenizer.encode('a\ud800b'))).toBe('a\ufffdb');
  });

  it('compresses its training domain to well under one token per byte', () => {
    const text = corpus.slice(0, 200).join('\n');
    const bytes = Buffer.byteLength(text, 'utf8');
    const tokens = tokenizer.encode(text).length;
    expect(tokens / bytes).toBeLessThan(0.6);
    // and an untrained tokenizer is exactly one token per byte
    const bytesOnly = trainBpe('', { vocabSize: 512 });
    expect(bytesOnly.vocabSize).toBe(FIRST_MERGE_ID);
    expect(bytesOnly.encode(text).length).toBe(bytes);
  });

  it('learns exactly vocabSize - reserved - 256 merges when the corpus allows it', () => {
    expect(tokenizer.vocabSize).toBe(512);
    expect(tokenizer.merges.length).toBe(512 - FIRST_MERGE_ID);
  });

  it('is deterministic: the same corpus gives the same merges, a different one does not', () => {
    const again = trainBpe(corpus, { vocabSize: 512 });
    expect(again.merges).toEqual(tokenizer.merges);
    const other = trainBpe(
      generateProblems({ count: 600, seed: 12, difficulty: 1 }).map((p) => formatProblem(p).text),
      { vocabSize: 512 },
    );
    expect(other.merges).not.toEqual(tokenizer.merges);
  });

  it('keeps every digit a token of its own and never merges across pre-token words', () => {
    const ids = tokenizer.encode('Mia has 12345 apples and 67 pears.');
    const pieces = ids.map((id) => tokenizer.decode([id]));
    expect(pieces).toEqual(expect.arrayContaining(['1', '2', '3', '4', '5', '6', '7']));
    for (const piece of pieces) {
      expect([...pretokenize(piece)].length, `piece ${JSON.stringify(piece)}`).toBe(1);
    }
  });

  it('learns whole frequent words, with their leading space', () => {
    const ids = tokenizer.encode(' has');
    expect(ids).toHaveLength(1);
    expect(tokenizer.idToToken(ids[0] as number)).toBe('Ġhas');
    expect(tokenizer.tokenToId('Ġhas')).toBe(ids[0]);
  });

  it('matches reserved tokens only when asked', () => {
    const text = 'Q<eos><|persona_3|>A<|startofthought|>x';
    const plain = tokenizer.encode(text);
    expect(plain.some((id) => id < BYTE_OFFSET)).toBe(false);
    const special = tokenizer.encode(text, { allowSpecial: true });
    expect(special).toContain(SPECIAL_IDS.eos);
    expect(special).toContain(SPECIAL_IDS.firstPersona + 3);
    expect(special).toContain(SPECIAL_IDS.startOfThought);
    expect(tokenizer.decode(special)).toBe(text);
    expect(tokenizer.decode(plain)).toBe(text);
  });

  it('gives reserved tokens fixed ids regardless of training', () => {
    const small = trainBpe(corpus.slice(0, 10), { vocabSize: 300 });
    for (const t of [small, tokenizer]) {
      expect(t.tokenToId('<pad>')).toBe(0);
      expect(t.tokenToId('<bos>')).toBe(1);
      expect(t.tokenToId('<eos>')).toBe(2);
      expect(t.tokenToId('<|startofthought|>')).toBe(3);
      expect(t.tokenToId('<|endofthought|>')).toBe(4);
      expect(t.tokenToId(personaToken(0))).toBe(5);
      expect(t.tokenToId(personaToken(8))).toBe(13);
      expect(t.tokenToId('<|tool_call|>')).toBe(SPECIAL_IDS.toolCall);
    }
    expect(SPECIAL_TOKENS).toHaveLength(BYTE_OFFSET);
    expect(new Set(SPECIAL_TOKENS).size).toBe(SPECIAL_TOKENS.length);
    expect(() => personaToken(9)).toThrow(RangeError);
  });

  it('maps ids and token strings both ways for every id', () => {
    for (let id = 0; id < tokenizer.vocabSize; id++) {
      const token = tokenizer.idToToken(id);
      expect(token).toBeTypeOf('string');
      expect(tokenizer.tokenToId(token as string)).toBe(id);
    }
    expect(tokenizer.idToToken(tokenizer.vocabSize)).toBeUndefined();
    expect(tokenizer.idToToken(1.5)).toBeUndefined();
    expect(tokenizer.tokenToId('definitely not a token')).toBeUndefined();
    expect(() => tokenizer.decode([tokenizer.vocabSize])).toThrow(RangeError);
  });

  it('rejects vocab sizes that cannot hold the reserved tokens and the bytes', () => {
    expect(() => trainBpe(corpus, { vocabSize: FIRST_MERGE_ID - 1 })).toThrow(RangeError);
    expect(() => trainBpe(corpus, { vocabSize: 1000.5 })).toThrow(RangeError);
  });

  it('stops early when no pair is frequent enough, and reports the size it reached', () => {
    const tiny = trainBpe('ab ab ab cd', { vocabSize: 2048 });
    expect(tiny.vocabSize).toBeLessThan(2048);
    expect(tiny.encode('ab')).toHaveLength(1);
    expect(tiny.encode('cd')).toHaveLength(2); // seen once: not worth a merge
  });

  it('decodes a sequence that cuts a UTF-8 character without throwing', () => {
    const bytesOnly = trainBpe('', { vocabSize: FIRST_MERGE_ID });
    const ids = bytesOnly.encode('é');
    expect(ids).toHaveLength(2);
    expect(bytesOnly.decode(ids.slice(0, 1))).toBe('\ufffd');
  });
});

describe('pretokenize', () => {
  it('covers the text exactly, in order', () => {
    for (const text of Object.values(tricky)) expect([...pretokenize(text)].join('')).toBe(text);
  });

  it('splits words, single digits, punctuation and whitespace the documented way', () => {
    expect([...pretokenize("Tom's 48 apples,  each $12.\n")]).toEqual([
      'Tom',
      "'s",
      ' ',
      '4',
      '8',
      ' apples',
      ',',
      ' ',
      ' each',
      ' $',
      '1',
      '2',
      '.',
      '\n',
    ]);
    expect([...pretokenize('<<48/2=24>>')]).toEqual(['<<', '4', '8', '/', '2', '=', '2', '4', '>>']);
  });
});
