import path from 'node:path';
import { ForgeError, detectDataSource, readPipelineState, runPipeline } from '@agent-forge/core';
import type { Phase, PhaseResult, ProgressReporter } from '@agent-forge/core';
import { startEngine } from '../engine.js';
import type { PipelineConfig } from '../pipeline-config.js';
import { REGISTERED_PHASES, pipelineGap } from '../phases.js';
import { withInterruptSignal } from '../signals.js';

export interface RunCommandOptions {
  config: PipelineConfig;
  resume?: string;
  phases?: readonly Phase[];
  input?: PhaseResult | null;
  progress: ProgressReporter;
  print: (line: string) => void;
}

/** `forge run` and `forge phase`: start the engine, run the phases, print where the results are. */
export async function runCommand(options: RunCommandOptions): Promise<void> {
  const { config, progress, print } = options;
  const phases = options.phases ?? REGISTERED_PHASES;
  const gap = options.phases ? undefined : pipelineGap(phases);
  if (gap) {
    print(`Nothing was run: ${gap}.`);
    print('See `forge info` for the phases this version implements.');
    return;
  }
  if (options.resume) readPipelineState(path.join(config.runsDir, options.resume));
  const data = typeof config.data === 'string' ? await detectDataSource(config.data) : config.data;
  const engine = await startEngine(config.backend, config.threads);
  progress.log(`backend: ${engine.summary}`);
  const outcome = await withInterruptSignal(progress, (signal) =>
    runPipeline({
      phases, runsDir: config.runsDir, phaseConfigs: config.phases, preset: config.preset, seed: config.seed,
      input: options.input ?? null, resumeRunId: options.resume, backend: engine.name, data,
      trackerSinks: config.tracking.sinks, progress, signal,
    }),
  );
  const last = outcome.state.phases[outcome.state.phases.length - 1];
  if (!last || last.status !== 'done') throw new ForgeError(`run ${outcome.runId} did not finish`);
  print(`run ${outcome.runId} finished: ${outcome.runDir}`);
  for (const phase of outcome.state.phases) {
    const metrics = Object.entries(phase.result?.metrics ?? {}).map(([k, v]) => `${k}=${formatNumber(v)}`).join(' ');
    print(`  ${phase.dir}  ${phase.status}  ${metrics}`);
  }
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
