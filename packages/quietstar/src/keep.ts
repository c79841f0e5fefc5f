/**
 * Which model the phase hands on. Thought training shares the LM's weights, so it can leave the model
 * worse at plain next-token prediction than it was handed (docs/benchmarks.md measured 0.08–0.21 nats at
 * `small`). The phase compares the input's and the trained model's no-thought loss on the same held-out
 * positions and hands on the better one; every figure here is paired per position.
 */
import { pairedDifference, pick, type AnswerEvaluation } from './answer-tokens.js';
import { valuesAtPositions } from './base-loss.js';
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
  /** The model the phase hands on: the lowest no-thought loss of the candidates at these positions. */
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
 * Compares on the positions the evaluation thought at. With `handOnBest`, the candidate with the lowest
 * mean no-thought loss there is handed on (ties go to the trained model, then the input); without it,
 * always the trained model.
 */
export function compareWithInput(
  nll: PlainModelNll,
  evaluation: ThoughtEvaluation,
  answers: AnswerEvaluation,
  handOnBest: boolean,
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
    handedOn: handOnBest ? best(mean(after), mean(before), control ? mean(control) : undefined) : 'trained',
  };
}

function best(trained: number, input: number, control: number | undefined): HandedOn {
  const choice: HandedOn = input < trained ? 'input' : 'trained';
  const lowest = Math.min(trained, input);
  return control !== undefined && control < lowest ? 'control' : choice;
}
