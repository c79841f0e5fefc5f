/** The quietstar phase's metrics and its human-readable report. */
import type { AnswerEvaluation } from './answer-tokens.js';
import type { HandedOn, InputComparison } from './keep.js';
import type { TrainSummary } from '@agent-forge/core';
import type { AccuracyPair, Latency } from './answers.js';
import type { ThoughtEvaluation } from './evaluate.js';

/** `metrics.handedOn`: 0 the trained model, 1 the input, 2 the plain fine-tune control. */
const HANDED_ON_CODE: Record<HandedOn, number> = { trained: 0, input: 1, control: 2 };

export interface PhaseOutcome {
  /** The input and the plain fine-tune control on the evaluation's positions, and which model is handed on. */
  readonly comparison: InputComparison;
  readonly evaluation: ThoughtEvaluation;
  /** Answer-token losses (the number after `####`) with and without thoughts. */
  readonly answers: AnswerEvaluation;
  readonly accuracy: AccuracyPair | undefined;
  readonly latency: Latency | undefined;
  readonly training: TrainSummary;
  readonly params: number;
  readonly mixerParams: number;
  readonly thoughtLength: number;
}

/** Flat numeric metrics for `PhaseResult.metrics`; undefined and non-finite values are left out. */
export function phaseMetrics(outcome: PhaseOutcome): Record<string, number> {
  const { evaluation: e, accuracy, latency, training, comparison: c, answers: a } = outcome;
  const metrics: Record<string, number | undefined> = {
    params: outcome.params,
    mixerParams: outcome.mixerParams,
    thoughtLength: outcome.thoughtLength,
    handedOn: HANDED_ON_CODE[c.handedOn],
    checkWindows: c.check?.windows,
    checkLossBefore: c.check?.input,
    checkLossWithoutThoughts: c.check?.trained,
    checkLossControl: c.check?.control,
    lossBefore: c.lossBefore,
    lossChangeWithoutThoughts: c.changeWithoutThoughts.mean,
    lossChangeWithoutThoughtsStdErr: c.changeWithoutThoughts.stdErr,
    controlLoss: c.controlLoss,
    lossVersusControl: c.changeVersusControl?.mean,
    lossVersusControlStdErr: c.changeVersusControl?.stdErr,
    answerTokens: a.tokens,
    answerLossBefore: c.answerLossBefore,
    answerLossControl: c.answerLossControl,
    answerLossWithoutThoughts: a.lossWithoutThoughts,
    answerLossWithThoughts: a.lossWithThoughts,
    answerLossDelta: a.delta,
    answerLossDeltaStdErr: a.deltaStdErr,
    answerChangeWithoutThoughts: c.answerChangeWithoutThoughts.mean,
    answerChangeWithoutThoughtsStdErr: c.answerChangeWithoutThoughts.stdErr,
    lossWithThoughts: e.lossWithThoughts,
    lossWithoutThoughts: e.lossWithoutThoughts,
    lossDelta: e.lossDelta,
    lossDeltaStdErr: e.lossDeltaStdErr,
    lossWithShuffledThoughts: e.lossWithShuffledThoughts,
    thoughtContentDelta: e.thoughtContentDelta,
    thoughtContentDeltaStdErr: e.thoughtContentDeltaStdErr,
    meanMixWeight: e.meanMixWeight,
    utility: e.utility,
    semantic: e.semantic,
    syntactic: e.syntactic,
    semanticUtilityCorrelation: e.semanticUtilityCorrelation,
    syntacticUtilityCorrelation: e.syntacticUtilityCorrelation,
    semanticUtilityCorrelationWithinPosition: e.semanticUtilityCorrelationWithinPosition,
    syntacticUtilityCorrelationWithinPosition: e.syntacticUtilityCorrelationWithinPosition,
    distinctPositions: e.distinctPositions,
    distinct2: e.distinct2,
    continuationTokenMatch: e.continuationTokenMatch,
    continuationExactMatch: e.continuationExactMatch,
    evalPositions: e.positions,
    accuracyWithThoughts: accuracy?.withThoughts,
    accuracyWithoutThoughts: accuracy?.withoutThoughts,
    msPerTokenWithThoughts: latency?.msPerTokenWithThoughts,
    msPerTokenWithoutThoughts: latency?.msPerTokenWithoutThoughts,
    trainSteps: training.step,
    resumedFromStep: training.resumedFrom,
    finalTrainLoss: training.finalLoss,
  };
  return Object.fromEntries(
    Object.entries(metrics).filter(
      (entry): entry is [string, number] => entry[1] !== undefined && Number.isFinite(entry[1]),
    ),
  );
}

const fixed = (value: number | undefined, digits = 4): string =>
  value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
const pct = (value: number | undefined): string =>
  value === undefined ? 'not measured' : `${(value * 100).toFixed(1)}%`;

/** Markdown report: which model is handed on, the ablation, then coherence, diversity, anti-theater checks and latency. */
export function phaseReport(outcome: PhaseOutcome): string {
  const { evaluation: e, accuracy, latency, comparison: c, answers: a } = outcome;
  const within = Math.abs(e.lossDelta) < 2 * e.lossDeltaStdErr;
  const contentWithin = Math.abs(e.thoughtContentDelta) < 2 * e.thoughtContentDeltaStdErr;
  return [
    '# quietstar (Quiet-STaR)',
    '',
    `${outcome.training.step} thought-training steps, thoughts of ${outcome.thoughtLength} tokens; ${e.positions} held-out thought rows, ${a.tokens} answer tokens.`,
    '',
    handedOn(c),
    '',
    '| held-out next-token loss (nats) | all tokens | answer tokens (after `####`) | answer accuracy |',
    '|---|---|---|---|',
    `| input model (before) | ${fixed(c.lossBefore)} | ${fixed(c.answerLossBefore)} | — |`,
    `| plain LM fine-tune, same steps (control) | ${c.controlLoss === undefined ? 'not run' : fixed(c.controlLoss)} | ${c.answerLossControl === undefined ? 'not run' : fixed(c.answerLossControl)} | — |`,
    `| after, without thoughts (w forced to 0) | ${fixed(e.lossWithoutThoughts)} | ${fixed(a.lossWithoutThoughts)} | ${pct(accuracy?.withoutThoughts)} |`,
    `| after, each thought swapped for another position's (control) | ${fixed(e.lossWithShuffledThoughts)} | — | — |`,
    `| after, with thoughts | ${fixed(e.lossWithThoughts)} | ${fixed(a.lossWithThoughts)} | ${pct(accuracy?.withThoughts)} |`,
    '',
    `Removing the thoughts changes held-out loss by ${fixed(e.lossDelta)} nats (± ${fixed(e.lossDeltaStdErr)} s.e.; positive = thoughts help)${within ? ' — within noise at this scale' : ''}; on answer tokens by ${fixed(a.delta)} (± ${fixed(a.deltaStdErr)} s.e.). Mean mixing weight w = ${fixed(e.meanMixWeight)}.`,
    `Swapping each thought for another position's (same model and mixing head) changes it by ${fixed(e.thoughtContentDelta)} nats (± ${fixed(e.thoughtContentDeltaStdErr)} s.e.; positive = the thought's content helps${contentWithin ? "; within noise: the gain is the mixing head's, not the thoughts'" : ''}).`,
    '',
    `Coherence (means): utility ${fixed(e.utility)} nats, semantic ${fixed(e.semantic)}, syntactic ${fixed(e.syntactic)} (mean log p per thought token).`,
    `Correlation with utility: semantic r = ${fixed(e.semanticUtilityCorrelation, 3)}, syntactic r = ${fixed(e.syntacticUtilityCorrelation, 3)}; among the thoughts of one position: semantic r = ${fixed(e.semanticUtilityCorrelationWithinPosition, 3)}, syntactic r = ${fixed(e.syntacticUtilityCorrelationWithinPosition, 3)}.`,
    `Diversity: positions whose thoughts differ ${pct(e.distinctPositions)}, distinct-2 ${fixed(e.distinct2, 3)}.`,
    `Thoughts vs the direct greedy continuation: ${pct(e.continuationTokenMatch)} of tokens and ${pct(e.continuationExactMatch)} of whole thoughts identical.`,
    latency
      ? `Latency: ${fixed(latency.msPerTokenWithThoughts, 2)} ms/token with a thought before every token (cached prefix) vs ${fixed(latency.msPerTokenWithoutThoughts, 2)} ms/token without (KV cache), over ${latency.tokens} tokens on this machine.`
      : 'Latency: not measured.',
    '',
  ].join('\n');
}

/** The sentence saying which model the phase hands on and why. */
function handedOn(c: InputComparison): string {
  const change = `${fixed(c.changeWithoutThoughts.mean)} nats (± ${fixed(c.changeWithoutThoughts.stdErr)} s.e.; positive = worse)`;
  const control = c.changeVersusControl
    ? ` Against the plain fine-tune control it is ${fixed(c.changeVersusControl.mean)} (± ${fixed(c.changeVersusControl.stdErr)} s.e.; positive = the control is better).`
    : '';
  const verdict = {
    trained: 'The phase hands on the trained model.',
    input:
      "**The phase hands on the input model unchanged** (with a zero mixing head: thinking changes nothing): the trained one is worse without thoughts. The table's 'after' rows are the trained model's.",
    control:
      "**The phase hands on the plain fine-tune** (with a zero mixing head: thinking changes nothing): it beat both the input and the trained model without thoughts. The table's 'after' rows are the trained model's.",
  }[c.handedOn];
  const basis = c.check
    ? ` Chosen on ${c.check.windows} held-out check windows disjoint from the reported ones (all tokens, no thoughts): input ${fixed(c.check.input)}, trained ${fixed(c.check.trained)}, plain fine-tune ${c.check.control === undefined ? 'not run' : fixed(c.check.control)}.`
    : ' (handOnBest is off.)';
  return `Thought training changed the held-out loss without thoughts by ${change} at the same positions.${control} ${verdict}${basis}`;
}
