/**
 * The data a phase trains and evaluates on: the run's data (`forge run --data`) wins over the phase's
 * own `data` setting, which wins over the preset's built-in problems; split once by the run's seed, so
 * every phase holds out the same examples. The one place that choice and split are made.
 */
import { loadDataset } from '../data/dataset.js';
import type { Dataset, DatasetSource } from '../data/dataset.js';
import type { TokenWindows } from '../data/token-windows.js';
import type { BpeTokenizer } from '../data/tokenizer/index.js';
import { SPECIAL_IDS } from '../data/tokenizer/index.js';
import { ForgeError } from '../errors.js';
import type { HeldOut } from '../eval/quality.js';
import { checkSetWindows, heldOutWindows } from '../eval/windows.js';
import { builtinDataFor } from './data.js';
import type { PhaseContext } from './types.js';

/** Which data a phase reads and how much of it it holds out. */
export interface DataSplitSettings {
  /** The phase's own data; the run's `--data` overrides it, and the preset's built-in problems fill in when both are absent. */
  readonly data?: DatasetSource;
  /** Share of examples held out for evaluation, in (0, 1); the split is by hash and seed, so the same in every phase. */
  readonly validationFraction: number;
}

/** The settings every phase that trains and evaluates has (see `evaluationSettingsSchema`). */
export interface PhaseDataSettings extends DataSplitSettings {
  /** Most held-out windows `[contextLength + 1]` tokens long that perplexity is measured on. */
  readonly evalWindows: number;
  /** Most held-out problems whose answer accuracy is measured (greedy decoding is slow; keep it small). */
  readonly evalProblems: number;
  /** Token budget of each greedy answer during the accuracy check. */
  readonly maxNewTokens: number;
}

/** The phase's dataset and its split by the run's seed. */
export interface PhaseSplit {
  /** The whole dataset, as chosen (run data, phase data or built-in problems). */
  readonly dataset: Dataset;
  /** The examples to train on. */
  readonly train: Dataset;
  /** The held-out examples; nothing trains on them in any phase. */
  readonly validation: Dataset;
}

/** Choose the phase's data (run data, then the phase's own, then the preset's built-in problems), load and split it. */
export async function loadPhaseSplit(
  settings: DataSplitSettings,
  ctx: Pick<PhaseContext, 'data' | 'preset' | 'seed'>,
): Promise<PhaseSplit> {
  const dataset = await loadDataset(ctx.data ?? settings.data ?? builtinDataFor(ctx.preset, ctx.seed));
  const { train, validation } = dataset.split({ validationFraction: settings.validationFraction, seed: ctx.seed });
  return { dataset, train, validation };
}

/** What a phase adds to {@link preparePhaseData}: its own tokenizer source, its extra splits, whether it trains. */
export interface PhaseDataHooks<Extra> {
  /** The tokenizer from the split itself, for a phase that makes one (cognate trains it on the training split). */
  readonly tokenizer?: (split: PhaseSplit) => BpeTokenizer;
  /** False for a phase that only evaluates: an empty training split is then no error. Default true. */
  readonly trains?: boolean;
  /** The phase's own extra splits from the same data, e.g. compression's calibration windows from the training side. */
  readonly extra?: (split: PhaseSplit, tokenizer: BpeTokenizer, windows: TokenWindows) => Extra;
}

/** A phase's tokenized training documents, its fixed held-out evaluation set and its own extras. */
export interface PhaseData<Extra = undefined> {
  /** The tokenizer everything here was tokenized with. */
  readonly tokenizer: BpeTokenizer;
  /** Token ids of each training example, unpacked; pack them into batches with `BatchIterator`. */
  readonly trainDocuments: Int32Array[];
  /** The validation split as perplexity windows and problems, for `evaluateQuality` before and after the phase. */
  readonly heldOut: HeldOut;
  /** What the `extra` hook made; undefined without one. */
  readonly extra: Extra;
}

/**
 * Load the phase's data, split it by the run's seed, and tokenize both sides for training and evaluation
 * (with `tokenizer`, or the one `hooks.tokenizer` makes from the split). Throws a ForgeError naming `data`
 * when the validation side is shorter than one context window, or nothing is left to train on.
 */
export async function preparePhaseData<Extra = undefined>(
  settings: PhaseDataSettings,
  ctx: Pick<PhaseContext, 'data' | 'preset' | 'seed'>,
  tokenizer: BpeTokenizer | null,
  contextLength: number,
  hooks: PhaseDataHooks<Extra> = {},
): Promise<PhaseData<Extra>> {
  const split = await loadPhaseSplit(settings, ctx);
  const { dataset, train, validation } = split;
  const tokens = tokenizer ?? hooks.tokenizer?.(split);
  if (!tokens) throw new ForgeError('preparePhaseData needs a tokenizer or a tokenizer hook', { field: 'tokenizer' });
  const windows = heldOutWindows(validation.tokenize(tokens), contextLength, SPECIAL_IDS.eos, settings.evalWindows);
  const trains = hooks.trains ?? true;
  if (windows.rows === 0 || (trains && train.size === 0)) {
    throw new ForgeError(
      `the data (${dataset.size} examples) is too small: need held-out text longer than the context (${contextLength} tokens)${trains ? ' and training examples' : ''}`,
      { field: 'data' },
    );
  }
  return {
    tokenizer: tokens,
    trainDocuments: trains ? train.tokenize(tokens) : [],
    heldOut: {
      windows,
      problems: validation.problems().slice(0, settings.evalProblems),
      maxNewTokens: settings.maxNewTokens,
    },
    extra: hooks.extra?.(split, tokens, windows) as Extra,
  };
}

/**
 * `preparePhaseData` plus, when `checkSetField` is given, the check set a phase chooses the model to hand on
 * with (`checkSetWindows`: the held-out windows after the reported ones) as its `extra`; errors name the field.
 */
export function preparePhaseDataWithCheckSet(
  settings: PhaseDataSettings,
  ctx: Pick<PhaseContext, 'data' | 'preset' | 'seed'>,
  tokenizer: BpeTokenizer,
  contextLength: number,
  checkSetField: string | undefined,
): Promise<PhaseData<TokenWindows | undefined>> {
  return preparePhaseData(settings, ctx, tokenizer, contextLength, {
    extra: (split, tokens, reported) =>
      checkSetField === undefined
        ? undefined
        : checkSetWindows(split.validation.tokenize(tokens), contextLength, reported.rows, checkSetField),
  });
}
