/**
 * The Grokfast reproduction: the paper's modular-arithmetic task trained with and without each
 * filter, measuring the steps until validation accuracy reaches the target (95%). Each run is a
 * `GrokfastArmSession` stepped to the target or the cap, optionally saved every N steps so a long
 * baseline run can be resumed; the filters are the same objects the pipeline hands to core's `train()`.
 */
import { ForgeError } from '@agent-forge/core';
import { GrokfastDemoOptionsSchema, type GrokfastArm, type GrokfastDemoOptions } from './options.js';
import type { GrokfastDemoOptionsInput } from './options.js';
import { GrokfastArmSession, type GrokfastCurvePoint } from './session.js';
import { hasArmSession, loadArmSession, saveArmSession } from './session-state.js';

/** The outcome of one (arm, seed) run of the reproduction. */
export interface GrokfastRun {
  /** The arm's label (`GrokfastArm.label`). */
  readonly arm: string;
  /** The seed of the split, the init and the batch order. */
  readonly seed: number;
  /** First epoch end (in steps) with validation accuracy ≥ target; undefined if not within the cap. */
  readonly stepsToTarget: number | undefined;
  /** Optimizer steps taken: `stepsToTarget` when reached (the run stops there), else the cap. */
  readonly stepsRun: number;
  /** Validation accuracy (0 … 1) at the last evaluation. */
  readonly finalValidationAccuracy: number;
  /** Training-batch loss (nats) at the first step. */
  readonly firstLoss: number;
  /** Training-batch loss (nats) at the last step. */
  readonly lastLoss: number;
  /** Wall-clock ms per step (validation included) over the steps this process ran; depends on the machine's load. */
  readonly msPerStep: number;
  /** ms per step spent in the filter's `apply` (0 for the baseline) over the same steps. */
  readonly filterMsPerStep: number;
  /** True when the run ended (target reached or cap hit); false for a snapshot of a run still going. */
  readonly complete: boolean;
  /** One point per epoch: train/validation accuracy and loss against the step. */
  readonly curve: readonly GrokfastCurvePoint[];
}

/** Called after every validation measurement of every run (progress output of long reproductions). */
export interface RunProgress {
  (event: { arm: string; seed: number } & GrokfastCurvePoint): void;
}

/** How `runGrokfastArm` reports progress and saves itself for a resume. */
export interface ArmRunHooks {
  /** Called at every epoch end with the new curve point. */
  readonly onEval?: RunProgress;
  /**
   * Directory of the run's saved state: resumed from when it holds one, written at the first epoch
   * end after every `saveEvery` steps and when the run ends (atomically, replacing the previous save).
   */
  readonly stateDir?: string;
  /** Steps between saves (default 500). */
  readonly saveEvery?: number;
}

/** One (arm, seed) run: fresh model from `seed` (or the state saved in `hooks.stateDir`), same split for every arm. */
export async function runGrokfastArm(
  arm: GrokfastArm,
  seed: number,
  options: GrokfastDemoOptions,
  hooks: ArmRunHooks = {},
): Promise<GrokfastRun> {
  const { stateDir, onEval, saveEvery = 500 } = hooks;
  const session =
    stateDir !== undefined && hasArmSession(stateDir)
      ? await loadArmSession(stateDir, arm, seed, options)
      : new GrokfastArmSession(arm, seed, options);
  const started = performance.now();
  try {
    let savedAt = session.step;
    while (!session.finished) {
      const endsEpoch = session.trainStep();
      if (!endsEpoch && !session.finished) continue;
      const point = session.endEpoch();
      onEval?.({ arm: arm.label, seed, ...point });
      if (stateDir !== undefined && (session.step - savedAt >= saveEvery || session.finished)) {
        await saveArmSession(stateDir, session);
        savedAt = session.step;
      }
    }
    return summarizeRun(session, performance.now() - started);
  } finally {
    session.dispose();
  }
}

function summarizeRun(session: GrokfastArmSession, elapsedMs: number): GrokfastRun {
  const steps = Math.max(1, session.timing.steps);
  return {
    arm: session.arm.label,
    seed: session.seed,
    stepsToTarget: session.stepsToTarget,
    stepsRun: session.step,
    finalValidationAccuracy: session.curve.at(-1)?.validationAccuracy ?? 0,
    firstLoss: session.losses.first,
    lastLoss: session.losses.last,
    msPerStep: elapsedMs / steps,
    filterMsPerStep: session.timing.filterMs / steps,
    complete: session.finished,
    curve: [...session.curve],
  };
}

/** What `runGrokfastDemo` returns; pass both parts to `grokfastTable`. */
export interface GrokfastDemoResult {
  /** The parsed options the runs used. */
  readonly options: GrokfastDemoOptions;
  /** One run per (seed, arm), seeds outer, arms in `options.arms` order. */
  readonly runs: readonly GrokfastRun[];
}

/** Parses reproduction settings; a bad or unknown one is a ForgeError naming the field. */
export function parseGrokfastDemoOptions(input: GrokfastDemoOptionsInput): GrokfastDemoOptions {
  const parsed = GrokfastDemoOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const keys = issue && 'keys' in issue && Array.isArray(issue.keys) ? `.${issue.keys.join(',')}` : '';
  const field = `${issue?.path.join('.') ?? ''}${keys}`;
  throw new ForgeError(`grokfast demo: ${field}: ${issue?.message ?? 'invalid options'}`, { field });
}

/** Every arm for every seed, in order; progress per evaluation through `onEval`. */
export async function runGrokfastDemo(
  input: GrokfastDemoOptionsInput = {},
  onEval?: RunProgress,
): Promise<GrokfastDemoResult> {
  const options = parseGrokfastDemoOptions(input);
  const runs: GrokfastRun[] = [];
  for (const seed of options.seeds)
    for (const arm of options.arms) runs.push(await runGrokfastArm(arm, seed, options, { onEval }));
  return { options, runs };
}
