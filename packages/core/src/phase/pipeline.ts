import { accessSync, constants, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetSource } from '../data/dataset.js';
import { ForgeError } from '../errors.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { faultPoint } from '../io/fault.js';
import { explainFsError } from '../io/fs-errors.js';
import { Rng } from '../rng/index.js';
import { Tracker } from '../track/index.js';
import type { UnitExecutor } from '../units/executor.js';
import { checkDirectoryHashes, hashDirectory } from './content-hash.js';
import { silentProgress } from './progress.js';
import type { ProgressReporter } from './progress.js';
import { resolvePhaseConfig, stampedPhaseRun } from './run-phase.js';
import { RESULT_FILE, newRunId, phaseDirName, readPipelineState, writePipelineState } from './run-state.js';
import type { PhaseState, PipelineState } from './run-state.js';
import type { Phase, PhaseContext, PhaseResult, PresetName } from './types.js';

/** What `runPipeline` runs and how: a new run (preset, seed, configs) or the resume of an old one. */
export interface PipelineOptions {
  /** Phases to run, in order. */
  readonly phases: readonly Phase[];
  /** Directory holding every run, e.g. `./runs`. */
  readonly runsDir: string;
  /** New run: per-phase configs as given by the user (defaults are filled by each phase's schema). */
  readonly phaseConfigs?: Record<string, unknown>;
  /** New run: the size preset; default `tiny`. A resume keeps the stored one. */
  readonly preset?: PresetName;
  /** New run: the seed every phase's rng and data split derive from; default 0. A resume keeps the stored one. */
  readonly seed?: number;
  /** Data for every phase that trains (`forge run --data`); kept in pipeline.json for resumes. */
  readonly data?: DatasetSource;
  /** Result handed to the first phase (for `forge phase --input`). */
  readonly input?: PhaseResult | null;
  /** Continue this run: finished phases are skipped and their results reused. */
  readonly resumeRunId?: string;
  /** New run: its id (the folder name under `runsDir`); default a fresh timestamped id. */
  readonly runId?: string;
  /** Name of the active backend, passed on to phases as `ctx.backend`; default `unknown`. */
  readonly backend?: string;
  /** Tracker sink names (`run-store`, `tensorboard`, `wandb`…); default `['run-store']`. */
  readonly trackerSinks?: readonly string[];
  /** Where phases report progress; default `silentProgress`. */
  readonly progress?: ProgressReporter;
  /** Abort (e.g. on Ctrl-C) to stop the running phase at its next checkpoint; the run stays resumable. */
  readonly signal?: AbortSignal;
  /** Runs the phases' independent work units (e.g. a BullMQ queue for `forge worker`s); default: in this process. */
  readonly units?: UnitExecutor;
}

/** What `runPipeline` finished with. */
export interface PipelineOutcome {
  /** Id of the run that ran (new or resumed); `forge run --resume <runId>` continues it. */
  readonly runId: string;
  /** The run's directory, `<runsDir>/<runId>`. */
  readonly runDir: string;
  /** The final `pipeline.json` contents, one entry per phase. */
  readonly state: PipelineState;
  /** The last phase's result (or the input when no phase ran). */
  readonly result: PhaseResult | null;
}

/**
 * Run phases in order inside `runs/<runId>/`, recording each phase's state in `pipeline.json`
 * after every transition, so an interrupted run resumes at the phase it stopped in.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineOutcome> {
  const state = await openRun(options);
  const runDir = path.join(options.runsDir, state.runId);
  const configs = validatePhaseConfigs(options.phases, state);
  const tracker = await Tracker.open(options.trackerSinks ?? ['run-store'], { runDir, runId: state.runId });
  let input = state.input;
  // Once a phase runs again, every later phase must too: its input changed.
  let upstreamChanged = false;
  try {
    tracker.event(options.resumeRunId ? 'run_resumed' : 'run_started', { preset: state.preset, seed: state.seed });
    for (const phase of options.phases) {
      const phaseState = findPhaseState(state, phase.name);
      const reusable = !upstreamChanged && (await trustedResult(phaseState, tracker, options));
      if (reusable && phaseState.result) {
        input = phaseState.result;
        continue;
      }
      if (upstreamChanged && phaseState.status !== 'pending') await resetPhase(phaseState, runDir);
      upstreamChanged = true;
      input = await runOnePhase({ phase, config: configs.get(phase.name), input, state, runDir, tracker, options });
    }
    tracker.event('run_finished');
  } finally {
    await tracker.close();
  }
  return { runId: state.runId, runDir, state, result: input };
}

/**
 * A finished phase is reused only if every model file still has the hash recorded when it
 * finished; otherwise it resumes from its own training state and says why.
 */
async function trustedResult(phaseState: PhaseState, tracker: Tracker, options: PipelineOptions): Promise<boolean> {
  if (phaseState.status !== 'done' || !phaseState.result) return false;
  for (const [dir, hashes] of Object.entries(phaseState.hashes ?? {})) {
    const problem = await checkDirectoryHashes(dir, hashes);
    if (problem !== undefined) {
      (options.progress ?? silentProgress).log(
        `${phaseState.name}: not reusing its result (${problem}); running it again`,
      );
      tracker.event('phase_untrusted', { reason: problem }, phaseState.name);
      Object.assign(phaseState, { status: 'interrupted', result: undefined, hashes: undefined });
      return false;
    }
  }
  return true;
}

/** A phase whose input changed starts from nothing: its old checkpoints and training state go. */
async function resetPhase(phaseState: PhaseState, runDir: string): Promise<void> {
  await rm(path.join(runDir, phaseState.dir), { recursive: true, force: true });
  Object.assign(phaseState, { status: 'pending', result: undefined, hashes: undefined, error: undefined });
}

async function openRun(options: PipelineOptions): Promise<PipelineState> {
  if (options.resumeRunId) {
    const state = readPipelineState(path.join(options.runsDir, options.resumeRunId));
    const expected = options.phases.map((p) => p.name).join(',');
    const stored = state.phases.map((p) => p.name).join(',');
    if (expected !== stored) {
      throw new ForgeError(
        `run '${state.runId}' was made with phases [${stored}], not [${expected}]: it cannot be resumed with these phases`,
      );
    }
    return state;
  }
  const runId = options.runId ?? newRunId();
  const now = new Date().toISOString();
  const state: PipelineState = {
    version: 1,
    runId,
    createdAt: now,
    updatedAt: now,
    preset: options.preset ?? 'tiny',
    seed: options.seed ?? 0,
    phaseConfigs: options.phaseConfigs ?? {},
    data: options.data,
    input: options.input ?? null,
    phases: options.phases.map((p) => ({ name: p.name, dir: phaseDirName(p.name), status: 'pending' })),
  };
  const runDir = path.join(options.runsDir, runId);
  try {
    mkdirSync(runDir, { recursive: true });
    accessSync(runDir, constants.W_OK);
  } catch (error) {
    throw explainFsError(error, runDir);
  }
  await writePipelineState(runDir, state);
  return state;
}

/** Validate every phase's config before any work starts: a typo must not cost an hour of training. */
function validatePhaseConfigs(phases: readonly Phase[], state: PipelineState): Map<string, unknown> {
  const known = new Set(phases.map((p) => p.name as string));
  for (const name of Object.keys(state.phaseConfigs)) {
    if (!known.has(name))
      throw new ForgeError(`no phase named '${name}' in this pipeline (phases: ${[...known].join(', ') || 'none'})`, {
        field: `phases.${name}`,
      });
  }
  const configs = new Map<string, unknown>();
  for (const phase of phases)
    configs.set(phase.name, resolvePhaseConfig(phase, state.preset, state.phaseConfigs[phase.name]));
  return configs;
}

function findPhaseState(state: PipelineState, name: string): PipelineState['phases'][number] {
  const found = state.phases.find((p) => p.name === name);
  if (!found) throw new ForgeError(`phase '${name}' is not part of run '${state.runId}'`);
  return found;
}

interface PhaseRunArgs {
  phase: Phase;
  config: unknown;
  input: PhaseResult | null;
  state: PipelineState;
  runDir: string;
  tracker: Tracker;
  options: PipelineOptions;
}

async function runOnePhase(args: PhaseRunArgs): Promise<PhaseResult> {
  const { phase, config, input, state, runDir, tracker, options } = args;
  const phaseState = findPhaseState(state, phase.name);
  const resuming = phaseState.status !== 'pending';
  const phaseDir = path.join(runDir, phaseState.dir);
  mkdirSync(phaseDir, { recursive: true });
  Object.assign(phaseState, { status: 'running', startedAt: new Date().toISOString(), error: undefined });
  await writePipelineState(runDir, state);
  const ctx: PhaseContext = {
    runId: state.runId,
    runDir,
    phaseDir,
    preset: state.preset,
    seed: state.seed,
    rng: Rng.fromSeed(state.seed).fork(phase.name),
    backend: options.backend ?? 'unknown',
    tracker,
    progress: options.progress ?? silentProgress,
    signal: options.signal ?? new AbortController().signal,
    resuming,
    data: state.data,
    units: options.units,
  };
  tracker.config(phase.name, config);
  tracker.event('phase_started', { resuming }, phase.name);
  try {
    const result = await stampedPhaseRun(phase, input, config, ctx);
    const hashes = Object.fromEntries(
      await Promise.all(result.models.map(async (model) => [model.dir, await hashDirectory(model.dir)] as const)),
    );
    await writeJsonAtomic(path.join(phaseDir, RESULT_FILE), result);
    faultPoint('phase-result-written');
    Object.assign(phaseState, { status: 'done', finishedAt: new Date().toISOString(), result, hashes });
    tracker.event('phase_finished', { durationMs: result.durationMs, metrics: result.metrics }, phase.name);
    return result;
  } catch (error) {
    const interrupted = ctx.signal.aborted;
    Object.assign(phaseState, {
      status: interrupted ? 'interrupted' : 'failed',
      error: error instanceof Error ? error.message : String(error),
    });
    tracker.event(interrupted ? 'phase_interrupted' : 'phase_failed', { error: phaseState.error }, phase.name);
    if (interrupted)
      throw new ForgeError(
        `interrupted during phase '${phase.name}' (${phaseState.error}); continue with: forge run --resume ${state.runId}`,
        { cause: error },
      );
    throw error;
  } finally {
    await writePipelineState(runDir, state);
  }
}
