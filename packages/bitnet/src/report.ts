/** The bitnet phase's metrics and its human-readable report. */
import type { TrainSummary } from '@agent-forge/core';
import { accuracyDegradationPct, perplexityDegradationPct, type Quality } from './evaluate.js';
import type { SizeReport } from './size-report.js';

export interface PhaseOutcome {
  readonly before: Quality;
  readonly converted: Quality;
  readonly after: Quality;
  readonly sizes: SizeReport;
  readonly ternaryParams: number;
  readonly totalParams: number;
  readonly training: TrainSummary;
}

/** Flat numeric metrics for `PhaseResult.metrics`; undefined values (no accuracy) are left out. */
export function phaseMetrics(outcome: PhaseOutcome): Record<string, number> {
  const { before, converted, after, sizes } = outcome;
  const metrics: Record<string, number | undefined> = {
    ternaryShare: outcome.ternaryParams / outcome.totalParams,
    ternaryParams: outcome.ternaryParams,
    params: outcome.totalParams,
    perplexityBefore: before.perplexity,
    perplexityConverted: converted.perplexity,
    perplexityAfter: after.perplexity,
    perplexityDegradationPct: perplexityDegradationPct(before.perplexity, after.perplexity),
    accuracyBefore: before.accuracy,
    accuracyAfter: after.accuracy,
    accuracyDegradationPct:
      before.accuracy !== undefined && after.accuracy !== undefined
        ? accuracyDegradationPct(before.accuracy, after.accuracy)
        : undefined,
    trainSteps: outcome.training.step,
    /** Step the fine-tune continued from after an interruption (0 for a fresh run). */
    resumedFromStep: outcome.training.resumedFrom,
    finalTrainLoss: outcome.training.finalLoss,
    ...sizes,
  };
  return Object.fromEntries(
    Object.entries(metrics).filter(
      (entry): entry is [string, number] => entry[1] !== undefined && Number.isFinite(entry[1]),
    ),
  );
}

const pct = (value: number): string => `${value.toFixed(1)}%`;
const accuracyText = (value: number | undefined): string => (value === undefined ? 'not measured' : pct(value * 100));

/** Markdown report; states what limits the whole-checkpoint ratio. */
export function phaseReport(outcome: PhaseOutcome): string {
  const { before, converted, after, sizes } = outcome;
  const fpShare = 1 - outcome.ternaryParams / outcome.totalParams;
  return [
    '# bitnet (BitNet b1.58)',
    '',
    `Ternary parameters: ${outcome.ternaryParams} of ${outcome.totalParams} (${pct((outcome.ternaryParams / outcome.totalParams) * 100)}).`,
    '',
    '| | perplexity | answer accuracy |',
    '|---|---|---|',
    `| dense input | ${before.perplexity.toFixed(3)} | ${accuracyText(before.accuracy)} |`,
    `| converted, before fine-tune | ${converted.perplexity.toFixed(3)} | not measured |`,
    `| after ${outcome.training.step} fine-tune steps | ${after.perplexity.toFixed(3)} | ${accuracyText(after.accuracy)} |`,
    '',
    `Perplexity degradation vs the dense input: ${pct(perplexityDegradationPct(before.perplexity, after.perplexity))} (target < 10%).`,
    '',
    `Quantized layers: ${sizes.quantizedBytesFp32} B as fp32 → ${sizes.quantizedBytesPacked} B packed (${sizes.quantizedRatio.toFixed(2)}×; 2 bits/weight + one f32 scale per layer, so at most 16×).`,
    `Whole checkpoint: ${sizes.checkpointBytesFp32} B fp32 → ${sizes.checkpointBytesPacked} B packed (${sizes.checkpointRatio.toFixed(2)}×).`,
    `What limits the whole-model ratio: ${pct(fpShare * 100)} of the parameters are not ternary (token embeddings — also the tied head, stored as the \`embeddingQuant\` setting says, 8-bit per row by default — norms, and any layer left full precision), ${sizes.fullPrecisionBytes} B of the packed file. Small models are embedding-heavy, so their ratio stays below the 16× of the ternary layers.`,
    '',
  ].join('\n');
}
