// Test set-up shared by the compressed-model tests: compression run alone, through the pipeline, on a
// model directory standing in for edge's deployable output.
import path from 'node:path';
import { readPhaseResult, phaseDirName, runPipeline } from '@agent-forge/core';
import type { PhaseResult, PresetName } from '@agent-forge/core';
import { compressionPhase } from '@agent-forge/compression';

/** What `compressDeployable` made: compression's phase result (its model first) and the run directory. */
export interface CompressedRun {
  readonly result: PhaseResult;
  readonly runDir: string;
}

/** Runs compression on `modelDir` as if edge had handed it on, in a run under `runsDir`. */
export async function compressDeployable(
  modelDir: string,
  runsDir: string,
  options: { phaseConfig?: Record<string, unknown>; seed?: number; preset?: PresetName } = {},
): Promise<CompressedRun> {
  const input: PhaseResult = {
    phase: 'edge',
    runId: 'input',
    startedAt: 'now',
    durationMs: 0,
    metrics: {},
    artifacts: {},
    config: {},
    models: [{ dir: modelDir, role: 'deployable', params: 0, bytes: 0 }],
  };
  const outcome = await runPipeline({
    phases: [compressionPhase as never],
    runsDir,
    input,
    ...(options.phaseConfig ? { phaseConfigs: { compression: options.phaseConfig } } : {}),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.preset ? { preset: options.preset } : {}),
  });
  return { result: readPhaseResult(path.join(outcome.runDir, phaseDirName('compression'))), runDir: outcome.runDir };
}
