/** The forge-train phase's metrics and its human-readable report. */
import type { CurvePoint, CurveRun } from './curve.js';
import type { Quality } from './evaluate.js';
import { HANDED_ON_CODE, type CheckLosses, type HandedOn } from './hand-on.js';

export interface RunOutcome {
  readonly quality: Quality;
  readonly run: CurveRun;
}

export interface PhaseOutcome {
  readonly filter: string;
  readonly filterSettings: Record<string, unknown>;
  readonly before: Quality;
  readonly grokfast: RunOutcome;
  readonly baseline: RunOutcome | undefined;
  /** First measured Grokfast step with held-out loss ≤ the baseline's final held-out loss. */
  readonly stepsToBaselineLoss: number | undefined;
  readonly steps: number;
  /** Check-set losses the model to hand on was chosen by; undefined without `handOnBest`. */
  readonly check: CheckLosses | undefined;
  readonly handedOn: HandedOn;
}

/** trainMs and filterMs add up over every process that worked on the run, so divide by all its steps. */
const msPerStep = (run: CurveRun): number => run.trainMs / Math.max(1, run.summary.step);
const finalLoss = (points: readonly CurvePoint[]): number => points[points.length - 1]?.heldOutLoss ?? Number.NaN;

/** Flat numeric metrics for `PhaseResult.metrics`; undefined values are left out. */
export function phaseMetrics(outcome: PhaseOutcome): Record<string, number> {
  const { grokfast, baseline } = outcome;
  const handedOn = { grokfast: grokfast.quality, baseline: baseline?.quality, input: outcome.before }[outcome.handedOn];
  const metrics: Record<string, number | undefined> = {
    /** The handed-on model's figures, under the plain names the run summary shows. */
    perplexity: handedOn?.perplexity,
    accuracy: handedOn?.accuracy,
    trainSteps: grokfast.run.summary.step,
    resumedFromStep: grokfast.run.resumedFrom,
    perplexityBefore: outcome.before.perplexity,
    accuracyBefore: outcome.before.accuracy,
    grokfastFinalLoss: finalLoss(grokfast.run.points),
    grokfastPerplexity: grokfast.quality.perplexity,
    grokfastAccuracy: grokfast.quality.accuracy,
    baselineFinalLoss: baseline ? finalLoss(baseline.run.points) : undefined,
    baselinePerplexity: baseline?.quality.perplexity,
    baselineAccuracy: baseline?.quality.accuracy,
    stepsToBaselineLoss: outcome.stepsToBaselineLoss,
    /** Baseline steps ÷ Grokfast steps to the baseline's final loss. */
    stepSpeedup:
      baseline && outcome.stepsToBaselineLoss ? baseline.run.summary.step / outcome.stepsToBaselineLoss : undefined,
    filterOverheadMsPerStep: grokfast.run.filterMs / Math.max(1, grokfast.run.summary.step),
    grokfastMsPerStep: msPerStep(grokfast.run),
    baselineMsPerStep: baseline ? msPerStep(baseline.run) : undefined,
    /** grokfast 0, baseline 1, input 2. */
    handedOn: HANDED_ON_CODE[outcome.handedOn],
    checkWindows: outcome.check?.windows,
    checkLossInput: outcome.check?.input,
    checkLossGrokfast: outcome.check?.grokfast,
    checkLossBaseline: outcome.check?.baseline,
  };
  return Object.fromEntries(
    Object.entries(metrics).filter(
      (entry): entry is [string, number] => entry[1] !== undefined && Number.isFinite(entry[1]),
    ),
  );
}

const pct = (value: number | undefined): string =>
  value === undefined ? 'not measured' : `${(value * 100).toFixed(1)}%`;
const num = (value: number | undefined, digits = 3): string =>
  value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

function curveTable(outcome: PhaseOutcome): string[] {
  const baselinePoints = outcome.baseline?.run.points ?? [];
  const rows = outcome.grokfast.run.points.map((point) => {
    const other = baselinePoints.find((candidate) => candidate.step === point.step);
    return `| ${point.step} | ${num(point.heldOutLoss, 4)} | ${num(other?.heldOutLoss, 4)} |`;
  });
  return ['| step | Grokfast held-out loss | baseline held-out loss |', '|---|---|---|', ...rows];
}

/** The sentence saying which model the phase hands on and on what figures. */
function handedOnSentence(outcome: PhaseOutcome): string {
  const verdict = {
    grokfast: 'The phase hands on the Grokfast-trained model.',
    baseline:
      '**The phase hands on the baseline-trained model**: it beat the Grokfast-trained model (and the input) on the check set.',
    input: '**The phase hands on the input model unchanged**: neither trained model beat it on the check set.',
  }[outcome.handedOn];
  const { check } = outcome;
  const basis = check
    ? ` Chosen on ${check.windows} held-out check windows disjoint from the reported ones (mean next-token loss): input ${num(check.input, 4)}, Grokfast ${num(check.grokfast, 4)}, baseline ${check.baseline === undefined ? 'not trained' : num(check.baseline, 4)}.`
    : ' (handOnBest is off.)';
  return verdict + basis;
}

export function phaseReport(outcome: PhaseOutcome): string {
  const { grokfast, baseline } = outcome;
  const metrics = phaseMetrics(outcome);
  const reached =
    outcome.stepsToBaselineLoss === undefined
      ? `Grokfast did not reach the baseline's final held-out loss (${num(metrics.baselineFinalLoss, 4)}) within ${outcome.steps} steps.`
      : `Grokfast reached the baseline's final held-out loss (${num(metrics.baselineFinalLoss, 4)}, after ${outcome.steps} steps) at step ${outcome.stepsToBaselineLoss} (×${num(metrics.stepSpeedup, 2)} fewer steps; resolution: the measuring interval).`;
  return [
    '# forge-train (Grokfast)',
    '',
    `Filter: ${outcome.filter} ${JSON.stringify(outcome.filterSettings)} (paper defaults where not set); ${outcome.steps} steps for each run, same start, same batches.`,
    '',
    '| | held-out loss | perplexity | answer accuracy | ms/step |',
    '|---|---|---|---|---|',
    `| input | ${num(outcome.before.loss, 4)} | ${num(outcome.before.perplexity)} | ${pct(outcome.before.accuracy)} | — |`,
    `| Grokfast | ${num(metrics.grokfastFinalLoss, 4)} | ${num(grokfast.quality.perplexity)} | ${pct(grokfast.quality.accuracy)} | ${num(metrics.grokfastMsPerStep, 1)} |`,
    baseline
      ? `| baseline (no filter) | ${num(metrics.baselineFinalLoss, 4)} | ${num(baseline.quality.perplexity)} | ${pct(baseline.quality.accuracy)} | ${num(metrics.baselineMsPerStep, 1)} |`
      : '| baseline | not run | | | |',
    '',
    baseline ? reached : 'No baseline was trained (baseline: false), so there is no step comparison.',
    '',
    handedOnSentence(outcome),
    '',
    `Filter overhead: ${num(metrics.filterOverheadMsPerStep, 2)} ms per step inside the filter (timed around its apply).`,
    '',
    ...curveTable(outcome),
    '',
  ].join('\n');
}
