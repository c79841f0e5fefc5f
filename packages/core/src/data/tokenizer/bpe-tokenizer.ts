import { BYTE_ALIASES } from './byte-symbols.js';
import { mergeSymbols } from './learn-merges.js';
import { pairKey } from './pair-key.js';
import { pretokenize } from './pretokenize.js';
import { BYTE_OFFSET, FIRST_MERGE_ID, SPECIAL_TOKENS } from './special-tokens.js';

/** Options of `BpeTokenizer.encode`. */
export interface EncodeOptions {
  /**
   * Match reserved tokens such as `<eos>` written in the text. Off by default so that user text
   * that happens to contain "<eos>" cannot inject control tokens; it is then encoded as bytes.
   */
  readonly allowSpecial?: boolean;
}

/** Bounded so that encoding an endless stream of unique words cannot grow memory without limit. */
const WORD_CACHE_LIMIT = 100_000;
const utf8Encoder = new TextEncoder();
// Not fatal: an arbitrary id sequence (e.g. sampled from a model) may cut a UTF-8 character.
const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Byte-level BPE. Ids: reserved tokens first (fixed ids), then the 256 raw bytes, then one id per
 * learned merge in the order it was learned. Any string round-trips through encode/decode.
 */
export class BpeTokenizer {
  /** Reserved tokens in id order (`specialTokens[id]`); always `BYTE_OFFSET` of them, frozen. */
  readonly specialTokens: readonly string[];
  /** Learned merges in training order: `merges[i]` is the pair of ids that id `FIRST_MERGE_ID + i` joins. */
  readonly merges: ReadonlyArray<readonly [number, number]>;
  private readonly ranks = new Map<number, number>();
  /** Display string per id (GPT-2 byte aliases for bytes and merges, the text for reserved ids). */
  private readonly tokenStrings: string[];
  /** Raw bytes per non-reserved id; index = id - BYTE_OFFSET. */
  private readonly tokenBytes: Uint8Array[];
  private readonly wordCache = new Map<string, readonly number[]>();
  private readonly specialIds = new Map<string, number>();
  private stringIndex: Map<string, number> | undefined;
  private specialPattern: RegExp | undefined;

  constructor(merges: ReadonlyArray<readonly [number, number]>, specialTokens: readonly string[] = SPECIAL_TOKENS) {
    if (specialTokens.length !== BYTE_OFFSET) {
      throw new RangeError(`expected ${BYTE_OFFSET} reserved tokens, got ${specialTokens.length}`);
    }
    this.specialTokens = Object.freeze([...specialTokens]);
    this.merges = Object.freeze(merges.map(([a, b]) => Object.freeze([a, b] as const)));
    specialTokens.forEach((token, id) => this.specialIds.set(token, id));
    this.tokenBytes = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
    this.tokenStrings = [...specialTokens, ...BYTE_ALIASES];
    this.merges.forEach(([left, right], rank) => {
      this.ranks.set(pairKey(left, right), rank);
      this.tokenBytes.push(concatBytes(this.bytesOf(left), this.bytesOf(right)));
      this.tokenStrings.push(`${this.tokenStrings[left]}${this.tokenStrings[right]}`);
    });
  }

  /** Number of ids: reserved tokens + 256 bytes + merges; a model's embedding must have this many rows. */
  get vocabSize(): number {
    return FIRST_MERGE_ID + this.merges.length;
  }

  /** Token ids of `text`; no `<bos>`/`<eos>` is added, and reserved tokens in the text are plain bytes unless `allowSpecial`. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids: number[] = [];
    if (!options.allowSpecial) {
      this.encodeOrdinary(text, ids);
      return ids;
    }
    let start = 0;
    for (const match of text.matchAll(this.getSpecialPattern())) {
      this.encodeOrdinary(text.slice(start, match.index), ids);
      ids.push(this.specialIds.get(match[0]) as number);
      start = match.index + match[0].length;
    }
    this.encodeOrdinary(text.slice(start), ids);
    return ids;
  }

  /** Text of `ids`, reserved tokens written out (e.g. `<eos>`); bytes that cut a UTF-8 character decode as U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    const parts: Uint8Array[] = [];
    let length = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      const bytes = id < BYTE_OFFSET ? utf8Encoder.encode(this.specialTokenAt(id)) : this.bytesOf(id);
      parts.push(bytes);
      length += bytes.length;
    }
    const all = new Uint8Array(length);
    let offset = 0;
    for (const bytes of parts) {
      all.set(bytes, offset);
      offset += bytes.length;
    }
    return utf8Decoder.decode(all);
  }

  /** Id of a display string as `idToToken` returns it; reserved tokens win over lookalike merges. */
  tokenToId(token: string): number | undefined {
    const special = this.specialIds.get(token);
    if (special !== undefined) return special;
    if (this.stringIndex === undefined) {
      this.stringIndex = new Map();
      for (let id = this.tokenStrings.length - 1; id >= BYTE_OFFSET; id--) {
        this.stringIndex.set(this.tokenStrings[id] as string, id);
      }
    }
    return this.stringIndex.get(token);
  }

  /** Display string of an id (a leading space shows as "Ġ", a newline as "Ċ"), or undefined. */
  idToToken(id: number): string | undefined {
    return Number.isInteger(id) ? this.tokenStrings[id] : undefined;
  }

  /** The raw bytes a non-reserved id stands for. */
  bytesOf(id: number): Uint8Array {
    const bytes = this.tokenBytes[id - BYTE_OFFSET];
    if (bytes === undefined) throw new RangeError(`token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
    return bytes;
  }

  private specialTokenAt(id: number): string {
    const token = this.specialTokens[id];
    if (token === undefined) throw new RangeError(`token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
    return token;
  }

  private encodeOrdinary(text: string, out: number[]): void {
    for (const word of pretokenize(text)) {
      let ids = this.wordCache.get(word);
      if (ids === undefined) {
        ids = this.encodeWord(word);
        if (this.wordCache.size >= WORD_CACHE_LIMIT) this.wordCache.clear();
        this.wordCache.set(word, ids);
      }
      for (const id of ids) out.push(id);
    }
  }

  /** Applies merges in the order they were learned, which reproduces what training did. */
  private encodeWord(word: string): number[] {
    let symbols = Array.from(utf8Encoder.encode(word), (b) => b + BYTE_OFFSET);
    for (;;) {
      let bestRank = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.ranks.get(pairKey(symbols[i] as number, symbols[i + 1] as number));
        if (rank !== undefined && rank < bestRank) bestRank = rank;
      }
      if (bestRank === Infinity) return symbols;
      const [left, right] = this.merges[bestRank] as readonly [number, number];
      symbols = mergeSymbols(symbols, left, right, FIRST_MERGE_ID + bestRank);
    }
  }

  private getSpecialPattern(): RegExp {
    if (this.specialPattern === undefined) {
      // Longest first so that a token that prefixes another can never shadow it.
      const alternatives = [...this.specialTokens]
        .sort((a, b) => b.length - a.length)
        .map((token) => token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.specialPattern = new RegExp(alternatives.join('|'), 'g');
    }
    return this.specialPattern;
  }
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
