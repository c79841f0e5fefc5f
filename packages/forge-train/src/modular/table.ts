/** The reproduction's markdown: steps to the target per arm and seed, the speed-up, the paper's figure. */
import type { GrokfastRun } from './demo.js';
import type { GrokfastDemoOptions } from './options.js';

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
  /** Seeds the arm is to be run with (`options.seeds`); runs not yet started are missing from `runs`. */
  readonly seeds: number;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Groups runs by arm label, in `options.arms` order (an arm without runs gets an empty summary). */
export function summarizeArms(
  options: Pick<GrokfastDemoOptions, 'arms' | 'seeds'>,
  runs: readonly GrokfastRun[],
): ArmSummary[] {
  return options.arms.map((arm) => {
    const armRuns = runs.filter((run) => run.arm === arm.label);
    const steps = armRuns.flatMap((run) => (run.stepsToTarget === undefined ? [] : [run.stepsToTarget]));
    const seeds = options.seeds.length;
    return {
      arm: arm.label,
      filter: arm.filter,
      runs: armRuns,
      medianSteps: median(steps),
      reached: steps.length,
      seeds,
    };
  });
}

/**
 * Baseline steps ÷ filter steps (medians). A baseline seed that has not reached the target counts
 * with the steps it has run, a lower bound on its steps to the target, so the ratio is then a lower
 * bound ('≥'); when the filter did not reach it in every seed, there is no ratio.
 */
export function speedup(baseline: ArmSummary, arm: ArmSummary): string {
  if (arm.medianSteps === undefined || arm.reached < arm.seeds)
    return 'n/a (filter did not reach the target in every seed)';
  if (baseline.runs.length < baseline.seeds)
    return `n/a (${baseline.runs.length} of ${baseline.seeds} baseline seeds started)`;
  const bounds = baseline.runs.map((run) => run.stepsToTarget ?? run.stepsRun);
  const ratio = ((median(bounds) as number) / arm.medianSteps).toFixed(1);
  if (baseline.reached === baseline.runs.length) return `×${ratio}`;
  const open = baseline.runs.length - baseline.reached;
  return `≥ ×${ratio} (${open} of ${baseline.runs.length} baseline seeds not yet at the target; their steps so far count)`;
}

const stepsText = (run: GrokfastRun): string =>
  run.stepsToTarget === undefined
    ? `> ${run.stepsRun} (val ${(run.finalValidationAccuracy * 100).toFixed(1)}%${run.complete ? ', cap' : ', running'})`
    : String(run.stepsToTarget);

/** The median when every seed reached the target; else the median so far, saying over how many seeds. */
const medianText = (arm: ArmSummary): string =>
  arm.medianSteps === undefined
    ? '—'
    : arm.reached === arm.seeds
      ? String(arm.medianSteps)
      : `${arm.medianSteps} (${arm.reached} of ${arm.seeds} seeds so far)`;

const decayText = (options: GrokfastDemoOptions): string =>
  options.arms.map((arm) => `${arm.weightDecay} (${arm.filter ?? 'baseline'})`).join(', ');

/**
 * The reproduction's markdown: one line stating the setting, then a table of steps to the target per
 * seed, median, speed-up vs the baseline and the paper's figure per arm.
 */
export function grokfastTable(options: GrokfastDemoOptions, runs: readonly GrokfastRun[]): string {
  const arms = summarizeArms(options, runs);
  const baseline = arms.find((arm) => arm.filter === undefined);
  const target = `${(options.targetAccuracy * 100).toFixed(0)}%`;
  const operation = options.operation === 'multiply' ? 'x·y' : 'x+y';
  const lines = [
    `${operation} mod ${options.modulus}, ${options.trainFraction * 100}% of the table for training; ` +
      `decoder ${options.nLayers} layers × width ${options.dModel} × ${options.nHeads} heads; Adam lr ${options.lr} ` +
      `(warm-up from 0 over ${options.warmupSteps} updates), betas (${options.beta1}, ${options.beta2}), coupled L2 weight decay ${decayText(options)}, ` +
      `batch ${options.batchSize}; validation once per epoch; cap ${options.maxSteps} steps; seeds ${options.seeds.join(', ')}.`,
    '',
    `| run | steps to ${target} val. acc. (per seed) | median | speed-up vs baseline | paper (x·y mod 97) |`,
    '|---|---|---|---|---|',
  ];
  for (const arm of arms) {
    const paper = PAPER_STEPS[arm.filter ?? 'baseline'];
    const paperText =
      paper === undefined
        ? '—'
        : `${paper}${arm.filter && PAPER_STEPS.baseline ? ` (×${(PAPER_STEPS.baseline / paper).toFixed(1)})` : ''}`;
    const ratio = !baseline || arm === baseline ? '—' : speedup(baseline, arm);
    lines.push(
      `| ${arm.arm} | ${arm.runs.map(stepsText).join('; ') || 'not run'} | ${medianText(arm)} | ${ratio} | ${paperText} |`,
    );
  }
  return lines.join('\n');
}
