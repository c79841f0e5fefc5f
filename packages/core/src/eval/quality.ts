/**
 * A phase's held-out quality check: perplexity on fixed windows and exact-match answer accuracy on a
 * few problems. Every phase that changes a model reports these two numbers before and after.
 */
import type { TinyTitan } from '../model/model.js';
import type { BpeTokenizer } from '../data/tokenizer/index.js';
import type { Problem } from '../data/problem.js';
import { answerAccuracy } from './accuracy.js';
import { greedyCompleter } from './greedy.js';
import { perplexity } from './perplexity.js';
import { formatProblem } from '../data/format.js';

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

/** Perplexity on `heldOut.windows`, plus greedy answer accuracy unless `withAccuracy` is false. */
export async function evaluateQuality(model: TinyTitan, tokenizer: BpeTokenizer, heldOut: HeldOut, withAccuracy = true): Promise<Quality> {
  const { perplexity: value, loss } = perplexity(model, heldOut.windows);
  if (!withAccuracy || heldOut.problems.length === 0) return { perplexity: value, loss, accuracy: undefined };
  const { accuracy } = await answerAccuracy(heldOut.problems, (problem) => formatProblem(problem).prompt, greedyCompleter(model, tokenizer, heldOut.maxNewTokens));
  return { perplexity: value, loss, accuracy };
}
