/**
 * Which model the phase hands on. Thought training shares the LM's weights, so it can leave the model
 * worse at plain next-token prediction than it was handed (docs/benchmarks.md measured 0.08–0.21 nats at
 * `small`). Every reported figure here is paired per position on the evaluation's held-out positions; the
 * choice of the model to hand on is made on a separate check set (check-set.ts), never on those positions.
 */
import { pairedDifference, pick, type AnswerEvaluation } from './answer-tokens.js';
import { valuesAtPositions } from './base-loss.js';
import type { CheckLosses } from './check-set.js';
import { mean } from './coherence.js';
import type { ThoughtEvaluation } from './evaluate.js';

/** A paired difference: mean and standard error. */
export interface PairedFigure {
  /** Mean of the per-position difference (nats). */
  readonly mean: number;
  /** Its standard error (positions treated as independent). */
  readonly stdErr: number;
}

/** The input, the trained model and the plain fine-tune on the same positions, and the decision. */
export interface InputComparison {
  /** Input's mean NLL at the evaluation's positions. */
  readonly lossBefore: number;
  /** Trained model without thoughts − input, per position: positive = the phase made the LM worse. */
  readonly changeWithoutThoughts: PairedFigure;
  /** Plain fine-tune control's mean NLL at the same positions; undefined without the control. */
  readonly controlLoss?: number;
  /** Trained model without thoughts − control, per position: positive = the plain fine-tune did better. */
  readonly changeVersusControl?: PairedFigure;
  /** Answer tokens: the input's mean NLL at the answer positions the thinker was scored on. */
  readonly answerLossBefore: number;
  /** Answer tokens: the control's mean NLL at those positions. */
  readonly answerLossControl?: number;
  /** Answer tokens: trained model without thoughts − input, paired. */
  readonly answerChangeWithoutThoughts: PairedFigure;
  /** The candidates' losses on the check set the choice was made on; undefined without `handOnBest`. */
  readonly check?: CheckLosses;
  /** The model the phase hands on: the lowest no-thought loss of the candidates on the check set. */
  readonly handedOn: HandedOn;
}

/** Which model the phase saves as its output. */
export type HandedOn = 'trained' | 'input' | 'control';

/** The per-position NLL arrays `[rows, cols − 1]` of the plain models (input, control) to compare with. */
export interface PlainModelNll {
  /** Positions per held-out row (cols − 1): the row stride of `input` and `control`. */
  readonly length: number;
  /** The input model's NLL at every held-out position. */
  readonly input: Float32Array;
  /** The plain fine-tune control's NLL at every held-out position; undefined without the control. */
  readonly control?: Float32Array;
}

/**
 * Compares on the positions the evaluation thought at. With `check` (the losses on the check set, given
 * when `handOnBest` is on) the candidate with the lowest check-set loss is handed on (ties go to the
 * trained model, then the input); without it, always the trained model.
 */
export function compareWithInput(
  nll: PlainModelNll,
  evaluation: ThoughtEvaluation,
  answers: AnswerEvaluation,
  check: CheckLosses | undefined,
): InputComparison {
  const at = (values: Float32Array) =>
    valuesAtPositions(values, nll.length, evaluation.positionStarts, evaluation.positionsPerRow);
  const before = at(nll.input);
  const after = evaluation.withoutThoughtsNll;
  const changeWithoutThoughts = pairedDifference(after, before);
  const control = nll.control ? at(nll.control) : undefined;
  return {
    lossBefore: mean(before),
    changeWithoutThoughts,
    controlLoss: control ? mean(control) : undefined,
    changeVersusControl: control ? pairedDifference(after, control) : undefined,
    answerLossBefore: mean(pick(nll.input, answers.indices)),
    answerLossControl: nll.control ? mean(pick(nll.control, answers.indices)) : undefined,
    answerChangeWithoutThoughts: pairedDifference(answers.withoutNll, pick(nll.input, answers.indices)),
    check,
    handedOn: check ? best(check.trained, check.input, check.control) : 'trained',
  };
}

function best(trained: number, input: number, control: number | undefined): HandedOn {
  const choice: HandedOn = input < trained ? 'input' : 'trained';
  const lowest = Math.min(trained, input);
  return control !== undefined && control < lowest ? 'control' : choice;
}
