/**
 * Stamping a phase's output into its PhaseResult: the one place the phase name, run id, timing, config
 * and report path are filled in, for the pipeline and for a phase run on its own.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ForgeError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { parseConfig } from './config.js';
import { PhaseResultSchema } from './types.js';
import type { Phase, PhaseContext, PhaseResult, PresetName } from './types.js';

/** File name of a phase's report inside its phase directory. */
export const REPORT_FILE = 'report.md';

/**
 * A phase's config as it runs: its preset's defaults under the user's settings, validated (unknown keys
 * and bad values are ForgeErrors naming `phases.<name>.<field>`).
 */
export function resolvePhaseConfig<C>(phase: Phase<C>, preset: PresetName, userConfig: unknown = {}): C {
  const prefix = `phases.${phase.name}`;
  if (typeof userConfig !== 'object' || userConfig === null || Array.isArray(userConfig)) {
    throw new ForgeError('expected an object of settings', { field: prefix });
  }
  const merged = { ...(phase.presetDefaults?.(preset) ?? {}), ...userConfig };
  return parseConfig(phase.configSchema, merged, { prefix });
}

/**
 * Runs `phase.run` with an already validated `config` and stamps its output: phase name, `ctx.runId`, start
 * time, duration, config, and the report written atomically to `<phaseDir>/report.md` (artifact `report`).
 * The result is checked against PhaseResultSchema.
 */
export async function stampedPhaseRun<C>(
  phase: Phase<C>,
  input: PhaseResult | null,
  config: C,
  ctx: PhaseContext,
): Promise<PhaseResult> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const output = await phase.run(input, config, ctx);
  const artifacts: Record<string, string> = {};
  if (output.report !== undefined) {
    artifacts.report = path.join(ctx.phaseDir, REPORT_FILE);
    await writeFileAtomic(artifacts.report, output.report);
  }
  const result: PhaseResult = {
    phase: phase.name,
    runId: ctx.runId,
    startedAt,
    durationMs: performance.now() - started,
    models: output.models,
    metrics: output.metrics,
    artifacts: { ...output.artifacts, ...artifacts },
    config,
  };
  return parseConfig(PhaseResultSchema, result, { prefix: `${phase.name}.result` });
}

/**
 * Runs one phase on its own, outside a pipeline (a library user's `forge phase`): validates `userConfig`
 * over the preset's defaults as the pipeline does, runs the phase in `ctx.phaseDir` and returns its complete
 * PhaseResult. Writes no `result.json` or `pipeline.json`; `runPipeline` does that for runs.
 */
export async function runPhase<C>(
  phase: Phase<C>,
  input: PhaseResult | null,
  userConfig: unknown,
  ctx: PhaseContext,
): Promise<PhaseResult> {
  const config = resolvePhaseConfig(phase, ctx.preset, userConfig);
  await mkdir(ctx.phaseDir, { recursive: true });
  return stampedPhaseRun(phase, input, config, ctx);
}
