/** The cognate phase's metrics and report.md. */
import type { TrainSummary } from '@agent-forge/core';
import type { ForwardProfile, VariantQuality } from './evaluate.js';
import type { CognateVariant } from './variants.js';

/** Everything measured about one trained variant. */
export interface VariantOutcome {
  /** The variant's settings (role, ACT threshold, memory capacity, surprise threshold). */
  readonly variant: CognateVariant;
  /** Parameter count of the trained model (the same for all three variants). */
  readonly params: number;
  /** Held-out perplexity, loss and answer accuracy. */
  readonly quality: VariantQuality;
  /** Ponder steps, memory update rate and forward time on the held-out windows. */
  readonly profile: ForwardProfile;
  /** The training loop's summary: steps run, step resumed from, final training loss. */
  readonly training: TrainSummary;
}

/** Flat metrics: `<role>.<name>` per model, plus the phase-wide `params` and `peakMemoryMb`. */
export function phaseMetrics(outcomes: readonly VariantOutcome[], peakMemoryMb: number): Record<string, number> {
  const metrics: Record<string, number> = { params: outcomes[0]?.params ?? 0, peakMemoryMb };
  for (const { variant, params, quality, profile, training } of outcomes) {
    const values: Record<string, number | undefined> = {
      params,
      perplexity: quality.perplexity,
      loss: quality.loss,
      accuracy: quality.accuracy,
      meanPonderSteps: profile.meanPonderSteps,
      maxPonderSteps: profile.maxPonderSteps,
      memoryUpdateRate: profile.memoryUpdateRate,
      memorySurprise: profile.memorySurprise,
      msPerForward: profile.msPerForward,
      trainSteps: training.step,
      resumedFromStep: training.resumedFrom,
      finalTrainLoss: training.finalLoss,
    };
    for (const [name, value] of Object.entries(values)) {
      if (value !== undefined && Number.isFinite(value)) metrics[`${variant.role}.${name}`] = value;
    }
  }
  return metrics;
}

const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

/** A Markdown table of the three models. */
export function phaseReport(outcomes: readonly VariantOutcome[], peakMemoryMb: number): string {
  const rows = outcomes.map(
    ({ variant, params, quality, profile }) =>
      `| ${variant.role} | ${variant.actThreshold} | ${variant.memoryCapacity} | ${variant.surpriseThreshold} | ${params.toLocaleString('en-US')} | ${fixed(quality.perplexity, 2)} | ${fixed(quality.accuracy, 3)} | ${fixed(profile.meanPonderSteps, 3)} | ${profile.maxPonderSteps} | ${fixed(profile.memoryUpdateRate, 3)} | ${fixed(profile.msPerForward, 1)} |`,
  );
  return [
    '# cognate: three TinyTitan models (ACT + Titans MAL memory)',
    '',
    '| role | ACT threshold | capacity (paper scale) | surprise threshold | params | held-out perplexity | answer accuracy | mean ponder steps | max ponder steps | memory update rate | ms / forward |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Peak resident memory of the process: ${peakMemoryMb.toFixed(0)} MB.`,
    '',
  ].join('\n');
}
