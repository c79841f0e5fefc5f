/** Held-out quality of a model: loss/perplexity on windows and exact-match answer accuracy. */
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

export async function evaluateQuality(model: TinyTitan, tokenizer: BpeTokenizer, heldOut: HeldOut): Promise<Quality> {
  const { perplexity: value, loss } = perplexity(model, heldOut.windows);
  if (heldOut.problems.length === 0) return { perplexity: value, loss, accuracy: undefined };
  const { accuracy } = await answerAccuracy(heldOut.problems, (problem) => formatProblem(problem).prompt, greedyCompleter(model, tokenizer, heldOut.maxNewTokens));
  return { perplexity: value, loss, accuracy };
}

/** Held-out loss only (cheap, for the curves). */
export function heldOutLoss(model: TinyTitan, heldOut: HeldOut): number {
  return perplexity(model, heldOut.windows).loss;
}
