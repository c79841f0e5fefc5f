/**
 * A phase's held-out quality check: perplexity on fixed windows and exact-match answer accuracy on a
 * few problems. Every phase that changes a model reports these two numbers before and after.
 */
import type { TinyTitan } from '../model/model.js';
import type { BpeTokenizer } from '../data/tokenizer/index.js';
import type { Problem } from '../data/problem.js';
import type { TokenWindows } from '../data/token-windows.js';
import { answerAccuracy } from './accuracy.js';
import { greedyCompleter } from './greedy.js';
import { perplexity } from './perplexity.js';
import { formatProblem } from '../data/format.js';

/** A fixed held-out evaluation set: perplexity windows and answer-accuracy problems. */
export interface HeldOut {
  /** Row-major token windows `[rows, cols]`, cols = context + 1, as `heldOutWindows` makes them. */
  readonly windows: TokenWindows;
  /** Problems whose answers are checked by greedy decoding; may be empty. */
  readonly problems: readonly Problem[];
  /** Token budget of each greedy answer. */
  readonly maxNewTokens: number;
}

/** A model's held-out quality, as `evaluateQuality` measures it. */
export interface Quality {
  /** exp(`loss`); lower is better. */
  readonly perplexity: number;
  /** Mean next-token cross-entropy over the windows, in nats per token. */
  readonly loss: number;
  /** Answer accuracy with the calculator in the loop; undefined when no problems were evaluated. */
  readonly accuracy: number | undefined;
  /** The same problems answered without the calculator; undefined when no problems were evaluated. */
  readonly accuracyWithoutCalculator?: number | undefined;
}

/**
 * Perplexity on `heldOut.windows`, plus greedy answer accuracy with and without the calculator unless
 * `withAccuracy` is false.
 */
export async function evaluateQuality(
  model: TinyTitan,
  tokenizer: BpeTokenizer,
  heldOut: HeldOut,
  withAccuracy = true,
): Promise<Quality> {
  const { perplexity: value, loss } = perplexity(model, heldOut.windows);
  if (!withAccuracy || heldOut.problems.length === 0) {
    return { perplexity: value, loss, accuracy: undefined, accuracyWithoutCalculator: undefined };
  }
  const accuracyOf = async (calculator: boolean): Promise<number> =>
    (
      await answerAccuracy(
        heldOut.problems,
        (problem) => formatProblem(problem).prompt,
        greedyCompleter(model, tokenizer, heldOut.maxNewTokens, { calculator }),
      )
    ).accuracy;
  return {
    perplexity: value,
    loss,
    accuracy: await accuracyOf(true),
    accuracyWithoutCalculator: await accuracyOf(false),
  };
}
