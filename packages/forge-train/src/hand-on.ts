/**
 * Which model the phase hands on. With `handOnBest`, whichever of the input, the Grokfast-trained and the
 * baseline-trained model has the lowest mean next-token loss on the check set (held-out windows after the
 * reported ones, core's `checkSetWindows`), so a Grokfast run that came out worse than the plain one, or
 * than no training at all, does not pass its damage on. Ties go to Grokfast, then the baseline.
 */
import { preparePhaseDataWithCheckSet } from '@agent-forge/core';
import type { BpeTokenizer, PhaseContext, PhaseData, TokenWindows } from '@agent-forge/core';
import type { ForgeTrainPhaseConfig } from './phase-config.js';

/** The candidates, in the order ties are broken. */
export const HAND_ON_CANDIDATES = ['grokfast', 'baseline', 'input'] as const;
/** Which model the phase hands on: the Grokfast-trained, the baseline-trained or the input model. */
export type HandedOn = (typeof HAND_ON_CANDIDATES)[number];
/** `handedOn` as a number for the flat metrics: grokfast 0, baseline 1, input 2. */
export const HANDED_ON_CODE: Readonly<Record<HandedOn, number>> = { grokfast: 0, baseline: 1, input: 2 };

/** Mean next-token loss of each candidate on the check set; the baseline's is undefined when it was not trained. */
export interface CheckLosses {
  /** Windows in the check set. */
  readonly windows: number;
  /** The input model's loss, measured before training. */
  readonly input: number;
  /** The Grokfast-trained model's loss. */
  readonly grokfast: number;
  /** The baseline-trained model's loss; undefined when `baseline` is off. */
  readonly baseline: number | undefined;
}

/** A diverged model's NaN loss must lose to every finite one, and `NaN < x` is false either way. */
const comparable = (loss: number | undefined): number =>
  loss !== undefined && Number.isFinite(loss) ? loss : Number.POSITIVE_INFINITY;

/** The candidate with the lowest check-set loss (ties in HAND_ON_CANDIDATES order); grokfast without a check set. */
export function chooseHandedOn(check: CheckLosses | undefined): HandedOn {
  if (!check) return 'grokfast';
  let best: HandedOn = 'grokfast';
  let bestLoss = comparable(check.grokfast);
  for (const candidate of HAND_ON_CANDIDATES) {
    const loss = comparable(check[candidate]);
    if (loss < bestLoss) [best, bestLoss] = [candidate, loss];
  }
  return best;
}

/** The phase's data, plus with `handOnBest` the check windows that follow the reported held-out windows. */
export function prepareForgeTrainData(
  config: ForgeTrainPhaseConfig,
  ctx: PhaseContext,
  tokenizer: BpeTokenizer,
  contextLength: number,
): Promise<PhaseData<TokenWindows | undefined>> {
  const field = config.handOnBest ? 'phases.forge-train.handOnBest' : undefined;
  return preparePhaseDataWithCheckSet(config, ctx, tokenizer, contextLength, field);
}
