/**
 * GPT-2-style pre-tokenization: text is cut into words before BPE so that merges never cross a
 * word boundary. Differences from GPT-2, and why:
 * - Digits are split one per token, with no leading space. Every number is then spelled with the
 *   same ten symbols in every context, so a small model can learn column arithmetic; BPE-merged
 *   digit groups are frequency-driven ("48" one token, "47" two) and hide place value.
 * - Combining marks (\p{M}) stay with letters, so decomposed accents ("e" + U+0301) are one word.
 * - Contractions match both cases ("'S", "'LL") since JS regexes lack a scoped `(?i:)` on Node 20.
 * Every character falls in exactly one class (space, letter/mark, number, other), so the pieces
 * always concatenate back to the input.
 */
const PRETOKEN_SOURCE = String.raw`'(?:[sdmt]|ll|ve|re)|'(?:[SDMT]|LL|VE|RE)| ?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+`;

/** Name recorded in tokenizer.json: changing the regex changes encodings, so it is versioned. */
export const PRETOKENIZER_NAME = 'gpt2-single-digits-v1';

/** Yields the pre-token words of `text`, in order; their concatenation equals `text`. */
export function* pretokenize(text: string): Generator<string> {
  // A fresh regex per call: a shared /g regex carries lastIndex state between callers.
  const pattern = new RegExp(PRETOKEN_SOURCE, 'gu');
  for (const match of text.matchAll(pattern)) yield match[0];
}
