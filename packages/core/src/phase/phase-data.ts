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
  readonly data?: DatasetSource;
  readonly validationFraction: number;
  readonly evalWindows: number;
  readonly evalProblems: number;
  readonly maxNewTokens: number;
}

export interface PhaseData {
  readonly trainDocuments: Int32Array[];
  readonly heldOut: HeldOut;
}

export async function preparePhaseData(
  settings: PhaseDataSettings,
  ctx: Pick<PhaseContext, 'data' | 'preset' | 'seed'>,
  tokenizer: BpeTokenizer,
  contextLength: number,
): Promise<PhaseData> {
  const dataset = await loadDataset(ctx.data ?? settings.data ?? builtinDataFor(ctx.preset, ctx.seed));
  const { train: trainSet, validation } = dataset.split({ validationFraction: settings.validationFraction, seed: ctx.seed });
  const windows = heldOutWindows(validation.tokenize(tokenizer), contextLength, SPECIAL_IDS.eos, settings.evalWindows);
  if (windows.rows === 0 || trainSet.size === 0) {
    throw new ForgeError(`the data (${dataset.size} examples) is too small: need held-out text longer than the context (${contextLength} tokens) and training examples`, { field: 'data' });
  }
  const problems = validation.problems().slice(0, settings.evalProblems);
  return { trainDocuments: trainSet.tokenize(tokenizer), heldOut: { windows, problems, maxNewTokens: settings.maxNewTokens } };
}
