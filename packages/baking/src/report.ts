/** The baking phase's metrics and its human-readable report. */
import type { BakeOutcome } from './bake-job.js';

/** The optional merged checkpoint (`mergePersona`): one adapter added into the weights. */
export interface MergedOutcome {
  /** The persona whose adapter was merged. */
  readonly persona: string;
  /** Mean per-token KL(prompted ‖ merged model, no prompt) on the persona's held-out trajectories. */
  readonly klMerged: number;
  /** The same KL with the adapter instead of merging; equal for dense layers, differs where BitLinear re-ternarizes. */
  readonly klBaked: number;
  /** Directory of the merged checkpoint (`<phaseDir>/merged`). */
  readonly dir: string;
}

/** Everything the baking phase reports on: input of {@link phaseMetrics} and {@link phaseReport}. */
export interface PhaseOutcome {
  /** One entry per baked prompt, personas first, then tools. */
  readonly bakes: readonly BakeOutcome[];
  /** The merged checkpoint, or null without `mergePersona`. */
  readonly merged: MergedOutcome | null;
  /** The input checkpoint directory. */
  readonly inputDir: string;
  /** Sidecar files copied along with the checkpoint (e.g. `model.packed.safetensors`). */
  readonly sidecars: readonly string[];
}

/** Flat numeric metrics: `<name>.<metric>` per bake plus aggregates over the personas. */
export function phaseMetrics(outcome: PhaseOutcome): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const bake of outcome.bakes) {
    const { name } = bake.job;
    Object.assign(metrics, {
      [`${name}.klBase`]: bake.kl.klBase,
      [`${name}.klBaked`]: bake.kl.klBaked,
      [`${name}.klReductionPct`]: bake.kl.klReductionPct,
      [`${name}.promptTokens`]: bake.promptTokens,
      [`${name}.bakeSteps`]: bake.steps,
      [`${name}.finalLoss`]: bake.finalLoss,
      [`${name}.resumedFromStep`]: bake.resumedFrom,
      [`${name}.adapterBytes`]: bake.adapterBytes,
    });
    if (bake.latency) {
      metrics[`${name}.latencyPromptedMs`] = bake.latency.promptedMs;
      metrics[`${name}.latencyBakedMs`] = bake.latency.bakedMs;
      metrics[`${name}.latencySavedMs`] = bake.latency.savedMs;
    }
    if (bake.markers) {
      metrics[`${name}.markerRateBase`] = bake.markers.base;
      metrics[`${name}.markerRatePrompted`] = bake.markers.prompted;
      metrics[`${name}.markerRateBaked`] = bake.markers.baked;
    }
  }
  const reductions = outcome.bakes.map((bake) => bake.kl.klReductionPct);
  metrics.adapters = outcome.bakes.length;
  metrics.meanKlReductionPct = reductions.reduce((sum, value) => sum + value, 0) / Math.max(1, reductions.length);
  metrics.minKlReductionPct = Math.min(...reductions);
  if (outcome.merged) {
    metrics.mergedKl = outcome.merged.klMerged;
    metrics.mergedKlBaked = outcome.merged.klBaked;
  }
  return Object.fromEntries(Object.entries(metrics).filter(([, value]) => Number.isFinite(value)));
}

const num = (value: number, digits = 4): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const pct = (value: number): string => `${num(value * 100, 1)}%`;

function bakeRow(bake: BakeOutcome): string {
  const latency = bake.latency
    ? `${num(bake.latency.promptedMs, 1)} → ${num(bake.latency.bakedMs, 1)} (${num(bake.latency.savedMs, 1)})`
    : 'not measured';
  return `| ${bake.job.name}${bake.resumed ? ' (resumed)' : ''} | ${bake.promptTokens} | ${num(bake.kl.klBase, 5)} | ${num(bake.kl.klBaked, 5)} | ${num(bake.kl.klReductionPct, 1)}% | ${latency} | ${bake.steps} | ${num(bake.finalLoss, 5)} |`;
}

/** Markdown report with every figure measured by this run. */
export function phaseReport(outcome: PhaseOutcome): string {
  const tools = outcome.bakes.filter((bake) => bake.markers);
  const lines = [
    '# baking (Prompt Baking, Bhargava et al. 2024)',
    '',
    `Input: ${outcome.inputDir}. Output: the input checkpoint${outcome.sidecars.length ? ` (with ${outcome.sidecars.join(', ')})` : ''} plus one LoRA adapter per prompt in \`adapters/\`.`,
    "KL: mean per-token KL(prompted base ‖ model without the prompt), nats, over the held-out inputs' trajectories sampled from the prompted model.",
    "Latency: mean ms to prefill and greedily generate the same number of tokens, prompted base vs baked without the prompt (saved in brackets; the adapter's own matmuls are included).",
    '',
    '| prompt | prompt tokens | KL base | KL baked | reduction | latency ms prompted → baked (saved) | steps | final train KL |',
    '|---|---|---|---|---|---|---|---|',
    ...outcome.bakes.map(bakeRow),
    '',
  ];
  if (tools.length > 0) {
    lines.push(
      'Tool conventions: share of held-out generations containing the marker.',
      '',
      '| tool | marker | base, no prompt | prompted | baked, no prompt |',
      '|---|---|---|---|---|',
    );
    for (const bake of tools) {
      const markers = bake.markers as NonNullable<BakeOutcome['markers']>;
      lines.push(
        `| ${bake.job.name} | \`${bake.job.marker ?? ''}\` | ${pct(markers.base)} | ${pct(markers.prompted)} | ${pct(markers.baked)} |`,
      );
    }
    lines.push('');
  }
  if (outcome.merged) {
    const { merged } = outcome;
    lines.push(
      `Merged '${merged.persona}' into the weights (${merged.dir}): KL ${num(merged.klMerged, 5)} vs ${num(merged.klBaked, 5)} with the adapter (exact for dense layers; BitLinear layers re-quantize the merged latent weight).`,
      '',
    );
  }
  return lines.join('\n');
}
