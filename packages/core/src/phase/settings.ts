/**
 * The settings every phase that reads data shares, as zod schemas a phase composes into its own config
 * schema (`TrainConfigSchema.extend(evaluationSettingsSchema(…).shape)`), so the fields, their checks
 * and their documentation exist once.
 */
import { z } from 'zod';
import { datasetSourceSchema } from '../data/dataset.js';
import type { PresetName } from './types.js';

/** Where a phase's data comes from and how much of it is held out. */
export const DataSettingsSchema = z.object({
  /** Data to train and evaluate on; default: the preset's built-in problems (`forge run --data` wins over both). */
  data: datasetSourceSchema.optional(),
  /** Share of the data held out for evaluation; the split is by hash and the run's seed, so the same in every phase. */
  validationFraction: z.number().gt(0).lt(1).default(0.1),
});

/** Default sizes of the held-out evaluation; each phase picks its own (and its presets override them). */
export interface EvaluationDefaults {
  /** Default of `evalWindows`. */
  readonly evalWindows: number;
  /** Default of `evalProblems`. */
  readonly evalProblems: number;
  /** Default of `maxNewTokens`. */
  readonly maxNewTokens: number;
}

/**
 * Tokens a greedy answer may take, by preset: each phase's `maxNewTokens` at that preset. Digits are single
 * tokens, so a built-in problem's worked answer runs long (small tokenizer: difficulty 1 ~24 tokens, 2 ~53
 * with p95 85, 3 ~84 with p95 129, 4 p95 146); a budget of 48 cut most two-step answers before their `####`
 * line, which scored them wrong. Answers stop at `<eos>`, so the budget costs time only on models that never
 * stop. tiny's 64-token context holds no more than a one-step answer.
 */
export const ANSWER_TOKEN_BUDGET: Readonly<Record<PresetName, number>> = Object.freeze({
  tiny: 32,
  small: 160,
  paper: 160,
});

/** The defaults of {@link EvaluationSettingsSchema}. */
export const EVALUATION_DEFAULTS: EvaluationDefaults = { evalWindows: 32, evalProblems: 16, maxNewTokens: 48 };

/**
 * {@link DataSettingsSchema} plus the sizes of the held-out evaluation (perplexity windows and greedy
 * answer accuracy), defaulting to `defaults`.
 */
export function evaluationSettingsSchema(defaults: EvaluationDefaults = EVALUATION_DEFAULTS) {
  return DataSettingsSchema.extend({
    /** Held-out windows (context + 1 tokens each) the phase measures loss and perplexity on (at most). */
    evalWindows: z.number().int().positive().default(defaults.evalWindows),
    /** Held-out problems whose answer accuracy is measured (greedy decoding is slow: keep it small); 0 skips accuracy. */
    evalProblems: z.number().int().nonnegative().default(defaults.evalProblems),
    /** Tokens generated per answer (accuracy problems and report samples). */
    maxNewTokens: z.number().int().positive().default(defaults.maxNewTokens),
  });
}

/** Data and evaluation settings with {@link EVALUATION_DEFAULTS}. */
export const EvaluationSettingsSchema = evaluationSettingsSchema();
/** Parsed {@link EvaluationSettingsSchema}: the data source, the held-out share and the evaluation sizes. */
export type EvaluationSettings = z.output<typeof EvaluationSettingsSchema>;
