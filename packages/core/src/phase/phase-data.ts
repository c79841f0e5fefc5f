/**
 * The data a model-changing phase trains and evaluates on: the run's data (`forge run --data`) wins
 * over the phase's own `data` setting, which wins over the preset's built-in problems; split once by
 * the run's seed, so every phase holds out the same examples.
 */
import { loadDataset } from '../data/dataset.js';
import type { DatasetSource } from '../data/dataset.js';
import type { BpeTokenizer } from '../data/tokenizer/index.js';
import { SPECIAL_IDS } from '../data/tokenizer/index.js';
import { ForgeError } from '../errors.js';
import type { HeldOut } from '../eval/quality.js';
import { heldOutWindows } from '../eval/windows.js';
import { builtinDataFor } from './data.js';
import type { PhaseContext } from './types.js';

/** The settings every such phase's config has. */
export interface PhaseDataSettings {
  /** The phase's own data; the run's `--data` overrides it, and the preset's built-in problems fill in when both are absent. */
  readonly data?: DatasetSource;
  /** Share of examples held out for evaluation, in [0, 1); the split is by hash and seed, so the same in every phase. */
  readonly validationFraction: number;
  /** Most held-out windows `[contextLength + 1]` tokens long that perplexity is measured on. */
  readonly evalWindows: number;
  /** Most held-out problems whose answer accuracy is measured (greedy decoding is slow; keep it small). */
  readonly evalProblems: number;
  /** Token budget of each greedy answer during the accuracy check. */
  readonly maxNewTokens: number;
}

/** A phase's tokenized training documents and its fixed held-out evaluation set. */
export interface PhaseData {
  /** Token ids of each training example, unpacked; pack them into batches with `BatchIterator`. */
  readonly trainDocuments: Int32Array[];
  /** The validation split as perplexity windows and problems, for `evaluateQuality` before and after the phase. */
  readonly heldOut: HeldOut;
}

/**
 * Load the phase's data, split it by the run's seed, and tokenize both sides for training and evaluation.
 * Throws a ForgeError when the validation side is shorter than one context window or nothing is left to train on.
 */
export async function preparePhaseData(
  settings: PhaseDataSettings,
  ctx: Pick<PhaseContext, 'data' | 'preset' | 'seed'>,
  tokenizer: BpeTokenizer,
  contextLength: number,
): Promise<PhaseData> {
  const dataset = await loadDataset(ctx.data ?? settings.data ?? builtinDataFor(ctx.preset, ctx.seed));
  const { train: trainSet, validation } = dataset.split({
    validationFraction: settings.validationFraction,
    seed: ctx.seed,
  });
  const windows = heldOutWindows(validation.tokenize(tokenizer), contextLength, SPECIAL_IDS.eos, settings.evalWindows);
  if (windows.rows === 0 || trainSet.size === 0) {
    throw new ForgeError(
      `the data (${dataset.size} examples) is too small: need held-out text longer than the context (${contextLength} tokens) and training examples`,
      { field: 'data' },
    );
  }
  const problems = validation.problems().slice(0, settings.evalProblems);
  return {
    trainDocuments: trainSet.tokenize(tokenizer),
    heldOut: { windows, problems, maxNewTokens: settings.maxNewTokens },
  };
}
