import path from 'node:path';
import {
  ForgeError,
  bytesOnDisk,
  detectDataSource,
  readPipelineState,
  recordRunAlerts,
  runPipeline,
} from '@agent-forge/core';
import type { Phase, PhaseResult, PresetName, ProgressReporter } from '@agent-forge/core';
import { startEngine } from '../engine.js';
import { openQueueExecutor, type QueueExecutor } from '../queue/executor.js';
import type { PipelineConfig } from '../pipeline-config.js';
import { REGISTERED_PHASES, phasesNamed, pipelineGap, selectPhases } from '../phases.js';
import { readRunInput } from '../run-input.js';
import { meanBlockPasses, trainControl } from '../control/index.js';
import {
  CONTROL_PHASE,
  effectsTable,
  measurePipelineEffects,
  readGsm8kItems,
  type ExtraModel,
} from '../effects/index.js';
import { summaryTable } from '../summary.js';
import { withInterruptSignal } from '../signals.js';

export interface RunCommandOptions {
  config: PipelineConfig;
  resume?: string;
  /** First and last phase of a slice of the pipeline (`--from`, `--to`). */
  from?: string;
  to?: string;
  /** A phase directory (result.json) or checkpoint directory to start from (`--input`). */
  inputDir?: string;
  phases?: readonly Phase[];
  /** The phases this version implements, in pipeline order (default: REGISTERED_PHASES). */
  registered?: readonly Phase[];
  input?: PhaseResult | null;
  progress: ProgressReporter;
  print: (line: string) => void;
}

/** `forge run` and `forge phase`: start the engine, run the phases, print where the results are. */
export async function runCommand(options: RunCommandOptions): Promise<void> {
  const { config, progress, print } = options;
  const sliced = options.from !== undefined || options.to !== undefined;
  const stored = options.resume ? readPipelineState(path.join(config.runsDir, options.resume)) : undefined;
  // A resume runs the phases the run was made with, whatever slice flags are given again.
  const registered = options.registered ?? REGISTERED_PHASES;
  const phases =
    options.phases ??
    (stored
      ? phasesNamed(
          stored.phases.map((p) => p.name),
          registered,
        )
      : selectPhases(options.from, options.to, registered));
  const input = options.input ?? (options.inputDir ? await readRunInput(options.inputDir, phases[0]) : null);
  if (sliced && input === null && phases[0]?.name !== 'cognate' && !stored) {
    throw new ForgeError(
      `a pipeline that starts at '${phases[0]?.name}' needs a model: pass --input <dir> (a phase or checkpoint directory)`,
      { field: 'input' },
    );
  }
  const gap = options.phases || sliced || input || stored ? undefined : pipelineGap(phases);
  if (gap) {
    print(`Nothing was run: ${gap}.`);
    print('See `forge info` for the phases this version implements.');
    return;
  }
  const data = typeof config.data === 'string' ? await detectDataSource(config.data) : config.data;
  // The GSM8K file is read after the run: a bad one fails now, not an hour later.
  if (config.effects.enabled && config.effects.gsm8k) await readGsm8kItems(config.effects.gsm8k);
  const engine = await startEngine(config.backend, config.threads);
  progress.log(`backend: ${engine.summary}`);
  const queue = config.queue
    ? await openQueueExecutor({ url: config.queue, attempts: config.queueAttempts })
    : undefined;
  if (queue) progress.log(`units: ${queue.name} (start workers with: forge worker --queue <url>)`);
  const outcome = await runWithUnits(queue, () =>
    withInterruptSignal(progress, (signal) =>
      runPipeline({
        phases,
        runsDir: config.runsDir,
        phaseConfigs: config.phases,
        preset: config.preset,
        seed: config.seed,
        input,
        resumeRunId: options.resume,
        backend: engine.name,
        data,
        trackerSinks: config.tracking.sinks,
        progress,
        signal,
        units: queue,
      }),
    ),
  );
  await printRunOutcome(outcome, config.runsDir, print);
  await measureAfterRun(outcome, phases, config, progress, print);
}

/**
 * Whether `forge run` trains the equal-compute control: as configured, else by default for a whole run at
 * small or paper (it needs cognate's settings and tokenizer). `runPreset` is the run's own preset, which a
 * resume keeps whatever `--preset` the command line gives (its default is tiny).
 */
export function controlEnabled(
  configured: boolean | undefined,
  runPreset: PresetName,
  phases: readonly Phase[],
): boolean {
  return configured ?? (runPreset !== 'tiny' && phases.some((phase) => phase.name === 'cognate'));
}

/** The equal-compute control (when on) and the effects table: every model on the same held-out items. */
async function measureAfterRun(
  outcome: Awaited<ReturnType<typeof runPipeline>>,
  phases: readonly Phase[],
  config: PipelineConfig,
  progress: ProgressReporter,
  print: (line: string) => void,
): Promise<void> {
  const controlOn = controlEnabled(config.control.enabled, outcome.state.preset, phases);
  if (controlOn && !config.effects.enabled) {
    throw new ForgeError('the equal-compute control is measured by the effects: turn effects on or the control off', {
      field: 'control.enabled',
    });
  }
  const extra: ExtraModel[] = [];
  if (controlOn) {
    const record = await withInterruptSignal(progress, (signal) =>
      trainControl(outcome.runDir, outcome.state, phases, config.control, progress, signal),
    );
    print(
      `\nequal-compute control: ${record.steps} steps, ${record.tokens} tokens, ${record.flops.toExponential(3)} FLOPs (6·N·D) for the pipeline's ${record.pipelineFlops.toExponential(3)}`,
    );
    // 6·N·D counts one pass of the blocks per token; ACT made more, so the pipeline spent more than the control.
    print(
      `  the pipeline's ACT ran the block stack ${meanBlockPasses(record.pipeline).toFixed(2)}× per trained token on average, which 6·N·D does not count`,
    );
    extra.push({
      phase: CONTROL_PHASE,
      role: 'plain',
      dir: record.dir,
      params: record.params,
      bytes: await bytesOnDisk(record.dir),
    });
  }
  if (!config.effects.enabled) return;
  const effects = await measurePipelineEffects(outcome.runDir, outcome.state, phases, config.effects, progress, extra);
  print('');
  for (const line of effectsTable(effects)) print(line);
}

async function runWithUnits<T>(queue: QueueExecutor | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await queue?.close();
  }
}

/** What a finished run made: each phase's metrics, the summary table, alerts and the final model. */
async function printRunOutcome(
  outcome: Awaited<ReturnType<typeof runPipeline>>,
  runsDir: string,
  print: (line: string) => void,
): Promise<void> {
  const last = outcome.state.phases[outcome.state.phases.length - 1];
  if (!last || last.status !== 'done') throw new ForgeError(`run ${outcome.runId} did not finish`);
  print(`run ${outcome.runId} finished: ${outcome.runDir}`);
  for (const phase of outcome.state.phases) {
    const metrics = Object.entries(phase.result?.metrics ?? {})
      .map(([k, v]) => `${k}=${formatNumber(v)}`)
      .join(' ');
    print(`  ${phase.dir}  ${phase.status}  ${metrics}`);
  }
  print('');
  for (const line of summaryTable(outcome.state)) print(line);
  const alerts = await recordRunAlerts(runsDir, outcome.runId);
  for (const alert of alerts) print(`ALERT: ${alert.message}`);
  const finalModel = outcome.result?.models[0];
  if (finalModel) print(`\nfinal model (${finalModel.role}): ${finalModel.dir}`);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
