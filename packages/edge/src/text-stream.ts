/**
 * Turning a stream of token ids into a stream of text. BPE tokens are byte sequences, so one character
 * can span two tokens: text ending in an incomplete UTF-8 sequence (decoded as U+FFFD) is held back
 * until the next token completes it. Stop strings end the text before their first occurrence.
 */
import type { BpeTokenizer } from '@agent-forge/core';

const REPLACEMENT = '\uFFFD';

/**
 * Incremental detokenizer: `push` each generated id and print what it returns. Holds back a partial
 * UTF-8 character and any tail that might become a stop string; `flush` at the end returns the rest.
 */
export class TextStream {
  private readonly ids: number[] = [];
  private emitted = 0;
  private stoppedAt: number | null = null;

  constructor(
    private readonly tokenizer: BpeTokenizer,
    private readonly stopStrings: readonly string[] = [],
    /** Ids never shown as text (end of sequence, padding). */
    private readonly hiddenIds: ReadonlySet<number> = new Set(),
  ) {}

  /** Adds a token; returns the text that is now final (possibly empty). */
  push(id: number): string {
    if (this.stoppedAt !== null) return '';
    if (!this.hiddenIds.has(id)) this.ids.push(id);
    const text = this.tokenizer.decode(this.ids);
    const stop = this.firstStop(text);
    if (stop !== null) {
      this.stoppedAt = stop;
      return this.take(text, stop);
    }
    // Hold back a partial character, and any tail that could still grow into a stop string.
    let ready = text.endsWith(REPLACEMENT) ? text.length - 1 : text.length;
    ready = Math.min(ready, text.length - this.longestStopPrefix(text));
    return this.take(text, ready);
  }

  /** True once a stop string appeared: generation should end. */
  get stopped(): boolean {
    return this.stoppedAt !== null;
  }

  /** Whatever was held back, once generation has ended for another reason. */
  flush(): string {
    if (this.stoppedAt !== null) return '';
    return this.take(this.tokenizer.decode(this.ids), Number.POSITIVE_INFINITY);
  }

  /** All text emitted so far. */
  get text(): string {
    return this.tokenizer.decode(this.ids).slice(0, this.emitted);
  }

  private take(text: string, end: number): string {
    const stop = Math.min(end, text.length);
    if (stop <= this.emitted) return '';
    const piece = text.slice(this.emitted, stop);
    this.emitted = stop;
    return piece;
  }

  private firstStop(text: string): number | null {
    let first: number | null = null;
    for (const stop of this.stopStrings) {
      const at = text.indexOf(stop, Math.max(0, this.emitted - stop.length + 1));
      if (at >= 0 && (first === null || at < first)) first = at;
    }
    return first;
  }

  /** Length of the longest text suffix that is a proper prefix of some stop string. */
  private longestStopPrefix(text: string): number {
    let longest = 0;
    for (const stop of this.stopStrings) {
      for (let length = Math.min(stop.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
