/** The reproduction's markdown: steps to the target per arm and seed, the speed-up, the paper's figure. */
import type { GrokfastDemoOptions, GrokfastRun } from './demo.js';

/** The paper's modular multiplication (mod 97) numbers, steps to 95% validation accuracy (its README table). */
export const PAPER_STEPS: Readonly<Record<string, number>> = { baseline: 39890, ma: 790, ema: 910 };

/** One arm's runs over all seeds, with the median steps to the target. */
export interface ArmSummary {
  /** The arm's label. */
  readonly arm: string;
  /** Its registry filter name; undefined for the baseline. */
  readonly filter: string | undefined;
  /** Its runs, one per seed. */
  readonly runs: readonly GrokfastRun[];
  /** Median steps over the seeds that reached the target (undefined when none did). */
  readonly medianSteps: number | undefined;
  /** How many seeds reached the target. */
  readonly reached: number;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Groups runs by arm label, in `options.arms` order (an arm without runs gets an empty summary). */
export function summarizeArms(options: Pick<GrokfastDemoOptions, 'arms'>, runs: readonly GrokfastRun[]): ArmSummary[] {
  return options.arms.map((arm) => {
    const armRuns = runs.filter((run) => run.arm === arm.label);
    const steps = armRuns.flatMap((run) => (run.stepsToTarget === undefined ? [] : [run.stepsToTarget]));
    return { arm: arm.label, filter: arm.filter, runs: armRuns, medianSteps: median(steps), reached: steps.length };
  });
}

/**
 * Baseline steps ÷ filter steps (medians). When the baseline never reached the target, its cap is
 * used and the ratio is a lower bound ('≥'); when the filter did not, there is no ratio.
 */
export function speedup(baseline: ArmSummary, arm: ArmSummary, maxSteps: number): string {
  if (arm.medianSteps === undefined || arm.reached < arm.runs.length)
    return 'n/a (filter did not reach the target in every seed)';
  if (baseline.reached === baseline.runs.length && baseline.medianSteps !== undefined)
    return `×${(baseline.medianSteps / arm.medianSteps).toFixed(1)}`;
  const longest = Math.max(maxSteps, ...baseline.runs.map((run) => run.stepsRun));
  return `≥ ×${(longest / arm.medianSteps).toFixed(1)} (baseline did not reach it within ${longest} steps${baseline.reached > 0 ? ` in ${baseline.runs.length - baseline.reached} of ${baseline.runs.length} seeds` : ''})`;
}

const stepsText = (run: GrokfastRun): string =>
  run.stepsToTarget === undefined
    ? `not within ${run.stepsRun} (val ${(run.finalValidationAccuracy * 100).toFixed(1)}%)`
    : String(run.stepsToTarget);

/**
 * The reproduction's markdown: one line stating the setting, then a table of steps to the target per
 * seed, median, speed-up vs the baseline, the paper's figure and ms/step (total and filter) per arm.
 */
export function grokfastTable(options: GrokfastDemoOptions, runs: readonly GrokfastRun[]): string {
  const arms = summarizeArms(options, runs);
  const baseline = arms.find((arm) => arm.filter === undefined);
  const target = `${(options.targetAccuracy * 100).toFixed(0)}%`;
  const lines = [
    `Modular ${options.operation === 'multiply' ? 'multiplication' : 'addition'} mod ${options.modulus}, ${options.trainFraction * 100}% of the table for training; ` +
      `decoder ${options.nLayers} layers × width ${options.dModel} × ${options.nHeads} heads; AdamW lr ${options.lr}, betas (${options.beta1}, ${options.beta2}), ` +
      `weight decay ${options.weightDecay}, batch ${options.batchSize}; validation accuracy measured every ${options.evalEvery} steps; cap ${options.maxSteps} steps; seeds ${options.seeds.join(', ')}.`,
    '',
    `| run | steps to ${target} val. acc. (per seed) | median | speed-up vs baseline | paper (mult. mod 97) | ms/step | filter ms/step |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const arm of arms) {
    const paper = PAPER_STEPS[arm.filter ?? 'baseline'];
    const paperText =
      paper === undefined
        ? '—'
        : `${paper}${arm.filter && PAPER_STEPS.baseline ? ` (×${(PAPER_STEPS.baseline / paper).toFixed(0)})` : ''}`;
    const ratio = !baseline || arm === baseline ? '—' : speedup(baseline, arm, options.maxSteps);
    const ms = (pick: (run: GrokfastRun) => number): string =>
      arm.runs.length === 0 ? '—' : (arm.runs.reduce((sum, run) => sum + pick(run), 0) / arm.runs.length).toFixed(1);
    lines.push(
      `| ${arm.arm} | ${arm.runs.map(stepsText).join('; ') || 'not run'} | ${arm.medianSteps ?? '—'} | ${ratio} | ${paperText} | ${ms((run) => run.msPerStep)} | ${ms((run) => run.filterMsPerStep)} |`,
    );
  }
  return lines.join('\n');
}
