/**
 * Our byte-level BPE as a 🤗 tokenizers `tokenizer.json`: a `Split` pre-tokenizer with our regex
 * (Oniguruma syntax), GPT-2's `ByteLevel` byte aliases, a `BPE` model whose merges keep our order, and
 * the reserved tokens as special added tokens. Encoding with it equals `BpeTokenizer.encode(text,
 * { allowSpecial: true })`: 🤗 tokenizers always splits added tokens out of the text.
 */
import { BYTE_OFFSET, ForgeError } from '@agent-forge/core';
import type { BpeTokenizer } from '@agent-forge/core';

/**
 * JavaScript's `\s` (WhiteSpace + LineTerminator), spelled out: Oniguruma's `\s` is Unicode White_Space,
 * which adds U+0085 and lacks U+FEFF, so the regexes would split such text differently.
 */
const JS_WHITESPACE = '\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
const SPACE = `[${JS_WHITESPACE}]`;
const NOT_SPACE = `[^${JS_WHITESPACE}]`;

/**
 * core's pre-tokenizer regex (`gpt2-single-digits-v1`) in a form Oniguruma and JavaScript read alike.
 * Kept in step with core by the test that encodes a corpus both ways.
 */
export const HF_PRETOKENIZER_REGEX = `'(?:[sdmt]|ll|ve|re)|'(?:[SDMT]|LL|VE|RE)| ?[\\p{L}\\p{M}]+|\\p{N}| ?[^${JS_WHITESPACE}\\p{L}\\p{M}\\p{N}]+|${SPACE}+(?!${NOT_SPACE})|${SPACE}+`;

/** One entry of `added_tokens` in a 🤗 tokenizer.json. */
export interface HfAddedToken {
  /** Token id. */
  readonly id: number;
  /** The literal text matched in the input. */
  readonly content: string;
  /** Match only as a whole word; always false here. */
  readonly single_word: boolean;
  /** Swallow whitespace to the left; always false here. */
  readonly lstrip: boolean;
  /** Swallow whitespace to the right; always false here. */
  readonly rstrip: boolean;
  /** Match after normalization; false (there is no normalizer). */
  readonly normalized: boolean;
  /** A control token (skipped by `decode(…, skip_special_tokens)`); true for every reserved token. */
  readonly special: boolean;
}

/** The 🤗 tokenizers `tokenizer.json` this package writes (the fields it sets). */
export interface HfTokenizerJson {
  /** Format version of tokenizer.json ("1.0"). */
  readonly version: '1.0';
  /** No truncation. */
  readonly truncation: null;
  /** No padding. */
  readonly padding: null;
  /** The reserved tokens, matched in the text before pre-tokenization. */
  readonly added_tokens: HfAddedToken[];
  /** No normalizer: text goes in unchanged. */
  readonly normalizer: null;
  /** Split by our regex, then map bytes to GPT-2 aliases. */
  readonly pre_tokenizer: Record<string, unknown>;
  /** Nothing added around the ids (no `<bos>`), as our `encode` does. */
  readonly post_processor: null;
  /** Byte-level decoder: aliases back to UTF-8. */
  readonly decoder: Record<string, unknown>;
  /** The BPE model: vocabulary (alias string → id) and merges in rank order. */
  readonly model: {
    /** Always "BPE". */
    readonly type: 'BPE';
    /** Token string → id for every id, reserved tokens included (they are added tokens as well). */
    readonly vocab: Record<string, number>;
    /** Merges in learned order, `"left right"`. */
    readonly merges: string[];
  } & Record<string, unknown>;
}

/** Display strings of every id, failing when 🤗's string-keyed vocabulary cannot hold two ids apart. */
export function tokenStrings(tokenizer: BpeTokenizer): string[] {
  const strings: string[] = [];
  const seen = new Map<string, number>();
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const token = tokenizer.idToToken(id) as string;
    strings.push(token);
    const earlier = seen.get(token);
    if (earlier !== undefined) {
      throw new ForgeError(
        `token ${id} has the same text as token ${earlier} ('${token}'): a 🤗 / GGUF vocabulary maps text to one id, so this tokenizer cannot be exported exactly`,
        { field: `tokenizer.merges.${id - BYTE_OFFSET - 256}` },
      );
    }
    seen.set(token, id);
  }
  return strings;
}

/** Merges as `"left right"` strings in rank order (GPT-2 / 🤗 / GGUF form; aliases never hold a space). */
export function mergeStrings(tokenizer: BpeTokenizer, strings: readonly string[]): string[] {
  return tokenizer.merges.map(([left, right]) => `${strings[left]} ${strings[right]}`);
}

/** The 🤗 tokenizer.json of `tokenizer`. */
export function hfTokenizerJson(tokenizer: BpeTokenizer): HfTokenizerJson {
  const strings = tokenStrings(tokenizer);
  const vocab: Record<string, number> = {};
  // Reserved tokens sit in the vocabulary too: 🤗 gives an added token that is not there a new id.
  for (let id = 0; id < strings.length; id++) vocab[strings[id] as string] = id;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: tokenizer.specialTokens.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: HF_PRETOKENIZER_REGEX }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: mergeStrings(tokenizer, strings),
    },
  };
}

/** `tokenizer_config.json` for 🤗 transformers: a fast tokenizer, our role tokens, no `<bos>` added. */
export function hfTokenizerConfig(tokenizer: BpeTokenizer, contextLength: number): Record<string, unknown> {
  const [pad, bos, eos] = tokenizer.specialTokens;
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: bos,
    eos_token: eos,
    pad_token: pad,
    unk_token: null,
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: contextLength,
    added_tokens_decoder: Object.fromEntries(
      tokenizer.specialTokens.map((content, id) => [
        String(id),
        { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
      ]),
    ),
  };
}
