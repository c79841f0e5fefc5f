/**
 * Token windows `[rows, cols]`, row-major: what perplexity, the training loop's batches and every
 * phase's held-out set pass around. Each row is `cols - 1` context tokens plus the next-token target.
 */
export interface TokenWindows {
  /** Token ids, row-major `[rows, cols]`; each row is `cols - 1` inputs followed by the last target. */
  readonly tokens: Int32Array;
  /** Number of windows (rows). */
  readonly rows: number;
  /** Tokens per window: context length + 1. */
  readonly cols: number;
}

/** The first `rows` windows of `windows` (all of them when it has fewer), sharing its token buffer. */
export function firstWindows(windows: TokenWindows, rows: number): TokenWindows {
  const kept = Math.max(0, Math.min(rows, windows.rows));
  return { tokens: windows.tokens.subarray(0, kept * windows.cols), rows: kept, cols: windows.cols };
}
