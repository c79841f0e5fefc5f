/**
 * The check set `handOnBest` chooses on (core's `checkSetWindows`): the held-out windows that follow the
 * reported ones in the same held-out stream, so the decision and the reported figures never predict the
 * same token.
 */
import { checkSetWindows } from '@agent-forge/core';
import type { TinyTitan, TokenWindows } from '@agent-forge/core';
import { positionNll } from './base-loss.js';
import { mean } from './coherence.js';

/** Core's check set under the name quietstar has always exported; its errors name `handOnBest`. */
export function checkWindows(
  documents: ReadonlyArray<ArrayLike<number>>,
  contextLength: number,
  reportedRows: number,
): TokenWindows {
  return checkSetWindows(documents, contextLength, reportedRows, 'handOnBest');
}

/** Mean next-token NLL of the candidates on the check set: what `handOnBest` decides on. */
export interface CheckLosses {
  /** Windows in the check set. */
  readonly windows: number;
  /** The input model. */
  readonly input: number;
  /** The trained model without thoughts (its plain forward pass: w = 0). */
  readonly trained: number;
  /** The plain fine-tune control; undefined when it was not trained. */
  readonly control?: number;
}

/** Mean NLL of `model` over every next token of `windows`. */
export function meanCheckLoss(model: TinyTitan, windows: TokenWindows): number {
  return mean(positionNll(model, windows));
}

/** The check-set losses of the candidates: the input's (measured before training), the trained model's, the control's. */
export function checkLosses(
  windows: TokenWindows,
  input: number,
  trained: TinyTitan,
  control: TinyTitan | undefined,
): CheckLosses {
  return {
    windows: windows.rows,
    input,
    trained: meanCheckLoss(trained, windows),
    control: control && meanCheckLoss(control, windows),
  };
}
