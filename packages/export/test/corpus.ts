/**
 * Text for the tokenizer tests: a training corpus (built-in word problems plus prose) and held-out lines
 * that exercise what tends to break a re-implemented pre-tokenizer — digits, whitespace runs and
 * Unicode spaces, emoji and other multi-byte text, combining marks, contractions, reserved tokens.
 */
import { loadDataset, trainBpe } from '@agent-forge/core';
import type { BpeTokenizer } from '@agent-forge/core';

const PROSE = [
  "The cat's toy isn't here; they'll find it. We've seen 3 dogs, 12 birds and 1024 ants!",
  'Numbers: 3.14159, -42, 1,000,000 and 2026-12-05.\tTabs\tand  double  spaces.\n\nNew paragraph.',
  'Ünïcödé wörds, naïve café, e\u0301 (decomposed), 日本語のテキスト, Ελληνικά, русский текст.',
];

/** Held-out lines: none of these is in the training corpus. */
export const HELD_OUT = [
  'Tom has 17 apples and buys 25 more. How many apples does he have now? #### 42',
  "IT'S A TEST: WE'LL SEE, YOU'VE GOT IT, I'D SAY, THEY'RE HERE, I'M DONE.",
  'emoji 😀👍🏽 family 👨‍👩‍👧 flags 🇫🇷 and ✓ marks',
  'spaces:    four, tab\t\ttwo, newline\n\n\nthree, trailing   ',
  'unicode spaces:\u00a0nbsp\u2003em\u3000ideographic\u2028line\u2029para\ufeffbom\u0085nel\u000bvt\u000cff',
  'digits ٣٤٥ ①② Ⅻ ¾ 0x1F 007 and 3rd 21st',
  'combining: a\u0301e\u0300i\u0302 o\u0308 and lone \u0301 mark',
  '<eos> inside text, <|persona_3|>persona<|endofthought|>, <bos><pad>, <|tool_call|>{"x":1}<|end_tool_call|>',
  'punctuation!!! ??? ... --- ((nested)) [brackets] {braces} @user #tag $5.00 50% a&b',
  'mixed: x2y3 α1β2 CamelCaseWords snake_case_words kebab-case-words',
  '  leading spaces and\r\nwindows line\r\nendings\r\n',
  '',
];

/** A tokenizer trained on the built-in problems and the prose above, with ~600 ids. */
export async function trainedTokenizer(): Promise<BpeTokenizer> {
  const dataset = await loadDataset({ kind: 'builtin', count: 300, seed: 3, difficulty: 1 });
  return trainBpe([...dataset.texts(), ...PROSE, ...PROSE], { vocabSize: 640 });
}
