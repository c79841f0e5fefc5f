/**
 * The baking phase: load forge-train's model with LoRA slots, bake every persona and tool prompt
 * into its own adapter, measure each on held-out inputs, and save the base checkpoint (its extensions'
 * own files written by their save hooks, other sidecar files copied) with `adapters/<name>.safetensors` beside it; optionally one persona merged
 * into a second checkpoint. Finished adapters are kept in `adapters-work/`, so a resumed run skips them.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  ADAPTERS_DIR,
  ADAPTER_EXTENSION,
  ForgeError,
  LoraAdapters,
  bytesOnDisk,
  pickInputModel,
  runUnits,
  saveModelCheckpoint,
} from '@agent-forge/core';
import type { InputModelChoice, Phase, PhaseContext, PhaseModel, PhaseOutput, PhaseResult } from '@agent-forge/core';
import type { BakeEnvironment, BakeJob, BakeOutcome } from './bake-job.js';
import { bakeUnit, parseBakeOutcome } from './bake-unit.js';
import { saveMergedPersona } from './merge-step.js';
import { BakingPhaseConfigSchema, bakingPresetDefaults, type BakingPhaseConfig } from './phase-config.js';
import { copyFilesEndingWith, copySidecarFiles, loadWithSlots, prepareInputs } from './phase-steps.js';
import { phaseMetrics, phaseReport, type MergedOutcome } from './report.js';

/** Directory of the output checkpoint inside the phase directory. */
export const BAKED_MODEL_DIR = 'model';
const WORK_DIR = 'adapters-work';

/** Personas first, then tools, in config order. */
export function bakeJobs(config: BakingPhaseConfig): BakeJob[] {
  const jobs: BakeJob[] = [
    ...Object.entries(config.personas).map(([name, prompt]) => ({ name, kind: 'personas' as const, prompt })),
    ...Object.entries(config.tools).map(([name, tool]) => ({
      name,
      kind: 'tools' as const,
      prompt: tool.prompt,
      marker: tool.marker,
    })),
  ];
  const seen = new Set<string>();
  for (const job of jobs) {
    if (seen.has(job.name))
      throw new ForgeError(`'${job.name}' is both a persona and a tool; adapter names must be unique`, {
        field: `tools.${job.name}`,
      });
    seen.add(job.name);
  }
  if (jobs.length === 0)
    throw new ForgeError('nothing to bake: personas and tools are both empty', { field: 'personas' });
  if (config.mergePersona !== null && !seen.has(config.mergePersona)) {
    throw new ForgeError(`mergePersona '${config.mergePersona}' is not baked here (baked: ${[...seen].join(', ')})`, {
      field: 'mergePersona',
    });
  }
  return jobs;
}

/**
 * Every bake as a work unit (run here, or by `forge worker`s when the run has a queue); finished ones
 * are read back from their output files, so a resumed run does not bake them again.
 */
async function bakeAll(env: BakeEnvironment, jobs: readonly BakeJob[], inputDir: string): Promise<BakeOutcome[]> {
  const bakes = await runUnits(
    env.ctx,
    jobs.map((job) => bakeUnit(env, job, inputDir)),
    { label: 'baking prompts', parse: (result, unit) => parseBakeOutcome(result, unit, env.ctx.runDir) },
  );
  for (const [index, outcome] of bakes.entries()) {
    env.ctx.tracker.metrics('baking', index + 1, {
      klBase: outcome.kl.klBase,
      klBaked: outcome.kl.klBaked,
      klReductionPct: outcome.kl.klReductionPct,
    });
  }
  return bakes;
}

/** The model baking bakes into: forge-train's trained model, else a ternary one, else the first. */
const INPUT: InputModelChoice = { phase: 'baking', roles: ['trained', 'ternary'], after: 'forge-train' };

async function runBaking(
  input: PhaseResult | null,
  config: BakingPhaseConfig,
  ctx: PhaseContext,
): Promise<PhaseOutput> {
  const jobs = bakeJobs(config);
  const source = pickInputModel(input, INPUT);
  const { model, tokenizer, extensions } = await loadWithSlots(source.dir, config.targetModules);
  const adapters = LoraAdapters.of(model);
  try {
    const workDir = path.join(ctx.phaseDir, WORK_DIR);
    await mkdir(workDir, { recursive: true });
    const env: BakeEnvironment = {
      model,
      adapters,
      tokenizer,
      inputs: await prepareInputs(config, ctx, tokenizer),
      config,
      ctx,
      workDir,
    };
    const bakes = await bakeAll(env, jobs, source.dir);
    const dir = path.join(ctx.phaseDir, BAKED_MODEL_DIR);
    await saveModelCheckpoint(dir, { model, tokenizer, extensions });
    const sidecars = await copySidecarFiles(source.dir, dir);
    await copyFilesEndingWith(workDir, path.join(dir, ADAPTERS_DIR), ADAPTER_EXTENSION);
    const mergeJob = jobs.find((job) => job.name === config.mergePersona);
    const merged: MergedOutcome | null = mergeJob
      ? await saveMergedPersona(env, mergeJob, source.dir, extensions)
      : null;
    const outcome = { bakes, merged, inputDir: source.dir, sidecars };
    const params = model.parameterCount;
    const models: PhaseModel[] = [{ dir, role: 'baked', params, bytes: await bytesOnDisk(dir) }];
    if (merged) models.push({ dir: merged.dir, role: 'baked-merged', params, bytes: await bytesOnDisk(merged.dir) });
    return {
      models,
      metrics: phaseMetrics(outcome),
      report: phaseReport(outcome),
      artifacts: { adapters: path.join(dir, ADAPTERS_DIR) },
    };
  } finally {
    adapters.dispose();
    model.dispose();
  }
}

/** Phase 6 of the pipeline; the CLI registers it as `baking`. */
export const bakingPhase: Phase<BakingPhaseConfig> = {
  name: 'baking',
  description:
    'Prompt Baking: nine personas and a tool convention baked into swappable LoRA adapters by KL to the prompted model',
  configSchema: BakingPhaseConfigSchema,
  presetDefaults: bakingPresetDefaults,
  run: runBaking,
};
