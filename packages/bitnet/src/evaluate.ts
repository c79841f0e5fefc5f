/** Held-out quality of a model: perplexity on windows and exact-match answer accuracy. */
import { answerAccuracy, formatProblem, greedyCompleter, perplexity } from '@agent-forge/core';
import type { BpeTokenizer, Problem, TinyTitan } from '@agent-forge/core';

export interface HeldOut {
  readonly windows: { tokens: Int32Array; rows: number; cols: number };
  readonly problems: readonly Problem[];
  readonly maxNewTokens: number;
}

export interface Quality {
  readonly perplexity: number;
  readonly loss: number;
  /** Undefined when no problems were evaluated. */
  readonly accuracy: number | undefined;
}

export async function evaluateQuality(model: TinyTitan, tokenizer: BpeTokenizer, heldOut: HeldOut, withAccuracy = true): Promise<Quality> {
  const { perplexity: value, loss } = perplexity(model, heldOut.windows);
  if (!withAccuracy || heldOut.problems.length === 0) return { perplexity: value, loss, accuracy: undefined };
  const { accuracy } = await answerAccuracy(heldOut.problems, (problem) => formatProblem(problem).prompt, greedyCompleter(model, tokenizer, heldOut.maxNewTokens));
  return { perplexity: value, loss, accuracy };
}

/** Relative increase of perplexity in percent (positive = worse). */
export function perplexityDegradationPct(before: number, after: number): number {
  return ((after - before) / before) * 100;
}

/** Relative drop of accuracy in percent (positive = worse); undefined when the baseline is 0. */
export function accuracyDegradationPct(before: number, after: number): number | undefined {
  return before > 0 ? ((before - after) / before) * 100 : undefined;
}
