/**
 * `forge run --input <dir>`: start a pipeline slice from a user's model. The directory is either a
 * checkpoint (config.json + model.safetensors + tokenizer.json) or a phase directory of an earlier
 * run (result.json listing its checkpoints).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  CHECKPOINT_FILES,
  ForgeError,
  ModelCheckpointConfigSchema,
  PHASE_NAMES,
  bytesOnDisk,
  countParameters,
  parseConfig,
  readJsonFile,
  readPhaseResult,
} from '@agent-forge/core';
import type { Phase, PhaseName, PhaseResult } from '@agent-forge/core';

/** The phase a checkpoint stands in for: the one before `first` (its input), cognate at the start. */
function precedingPhase(first: Phase | undefined): PhaseName {
  const index = first ? PHASE_NAMES.indexOf(first.name) : 0;
  return PHASE_NAMES[Math.max(0, index - 1)] ?? 'cognate';
}

/** The base transformer's parameter count for the summary table (the phase validates the checkpoint itself). */
function parameterCount(config: unknown, file: string): number {
  return countParameters(parseConfig(ModelCheckpointConfigSchema, config, { file }).model);
}

export async function readRunInput(dir: string, first: Phase | undefined): Promise<PhaseResult> {
  if (!existsSync(dir)) throw new ForgeError('no such directory', { file: dir, field: '--input' });
  const configFile = path.join(dir, CHECKPOINT_FILES.config);
  if (!existsSync(configFile)) return readPhaseResult(dir);
  const config = await readJsonFile(configFile);
  const resolved = path.resolve(dir);
  return {
    phase: precedingPhase(first),
    runId: 'input',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    models: [
      { dir: resolved, role: 'input', params: parameterCount(config, configFile), bytes: await bytesOnDisk(resolved) },
    ],
    metrics: {},
    artifacts: {},
    config: { input: resolved },
  };
}
