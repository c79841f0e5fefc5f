/** Held-out quality of a model: perplexity on windows and exact-match answer accuracy. */
import { answerAccuracy, formatProblem, greedyCompleter, perplexity } from '@agent-forge/core';
import type { BpeTokenizer, Problem, TinyTitan } from '@agent-forge/core';

export interface Windows {
  readonly tokens: Int32Array;
  readonly rows: number;
  readonly cols: number;
}

export interface HeldOut {
  readonly windows: Windows;
  /** The first few windows: what the per-group budget check evaluates. */
  readonly budgetWindows: Windows;
  readonly problems: readonly Problem[];
  readonly maxNewTokens: number;
}

export interface Quality {
  readonly loss: number;
  readonly perplexity: number;
  /** Undefined when no problems were evaluated. */
  readonly accuracy: number | undefined;
}

export function firstWindows(windows: Windows, rows: number): Windows {
  const kept = Math.min(rows, windows.rows);
  return { tokens: windows.tokens.subarray(0, kept * windows.cols), rows: kept, cols: windows.cols };
}

export async function evaluateQuality(
  model: TinyTitan,
  tokenizer: BpeTokenizer,
  heldOut: HeldOut,
  withAccuracy = true,
): Promise<Quality> {
  const { perplexity: value, loss } = perplexity(model, heldOut.windows);
  if (!withAccuracy || heldOut.problems.length === 0) return { perplexity: value, loss, accuracy: undefined };
  const { accuracy } = await answerAccuracy(
    heldOut.problems,
    (problem) => formatProblem(problem).prompt,
    greedyCompleter(model, tokenizer, heldOut.maxNewTokens),
  );
  return { perplexity: value, loss, accuracy };
}
