/**
 * The check set `handOnBest` chooses on: the held-out windows that follow the reported ones in the same
 * held-out stream. Choosing the lowest of three means on the very positions those means are then reported
 * on would flatter the chosen model (a selection bias the size of the noise); here the decision and the
 * reported figures never predict the same token.
 */
import { ForgeError, SPECIAL_IDS, heldOutWindows } from '@agent-forge/core';
import type { TinyTitan, TokenWindows } from '@agent-forge/core';
import { positionNll } from './base-loss.js';
import { mean } from './coherence.js';

/**
 * Windows `reportedRows … 2·reportedRows − 1` of the held-out stream (fewer when the stream is shorter):
 * `heldOutWindows` puts window r at token r·contextLength, so these predict none of the tokens the first
 * `reportedRows` windows predict. Throws a ForgeError naming `handOnBest` when the held-out data has no
 * window left after the reported ones.
 */
export function checkWindows(
  documents: ReadonlyArray<ArrayLike<number>>,
  contextLength: number,
  reportedRows: number,
): TokenWindows {
  const all = heldOutWindows(documents, contextLength, SPECIAL_IDS.eos, 2 * reportedRows);
  const rows = all.rows - reportedRows;
  if (rows < 1) {
    throw new ForgeError(
      `handOnBest chooses the model on held-out windows after the ${reportedRows} reported ones (evalWindows), and the held-out data has none left: give more data, lower evalWindows or set handOnBest to false`,
      { field: 'handOnBest' },
    );
  }
  return { tokens: all.tokens.slice(reportedRows * all.cols), rows, cols: all.cols };
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
