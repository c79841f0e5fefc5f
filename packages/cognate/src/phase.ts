/**
 * The cognate phase, the pipeline's first: train one tokenizer, then three TinyTitan models with ACT
 * and a Titans MAL memory from one shared initialisation, each with its own thresholds and data order;
 * evaluate and save them as checkpoints with roles 'reasoning', 'memory-integration' and
 * 'adaptive-computation'. An interrupted phase resumes each model from its own training state.
 */
import path from 'node:path';
import { bytesOnDisk, runUnits, saveModelCheckpoint, titanExtensions } from '@agent-forge/core';
import type {
  BpeTokenizer,
  ModelConfig,
  Phase,
  PhaseContext,
  PhaseModel,
  PhaseOutput,
  PhaseResult,
  TinyTitan,
} from '@agent-forge/core';
import { evaluateQuality, profileForward } from './evaluate.js';
import { createCognateModel, cognateModelConfig } from './models.js';
import { CognatePhaseConfigSchema, cognatePresetDefaults, type CognatePhaseConfig } from './phase-config.js';
import type { CognateData } from './phase-data.js';
import { phaseMetrics, phaseReport, type VariantOutcome } from './report.js';
import { trainVariant } from './train-variant.js';
import type { CognateVariant } from './variants.js';
import { parseVariantResult, releaseVariantUnits, variantUnit } from './variant-unit.js';

/** Checkpoint directory of a role inside the phase directory. */
export function cognateModelDir(phaseDir: string, role: string): string {
  return path.join(phaseDir, 'models', role);
}

/** What a variant's training shares with the others of its phase run. */
export interface VariantRun {
  readonly model: ModelConfig;
  readonly data: CognateData;
  readonly config: CognatePhaseConfig;
  readonly ctx: PhaseContext;
}

/** Trains, evaluates and saves one variant (as a work unit: see variant-unit.ts). */
export async function runVariant(
  variant: CognateVariant,
  run: VariantRun,
): Promise<{ outcome: VariantOutcome; saved: PhaseModel }> {
  const model = createCognateModel(run.model, variant, run.config, run.ctx.seed);
  try {
    const training = await trainVariant(model, variant, run.config, run.ctx, run.data.trainDocuments);
    const quality = await evaluateQuality(model, run.data.tokenizer, run.data.heldOut);
    const profile = profileForward(model, run.data.heldOut.windows);
    const outcome: VariantOutcome = { variant, params: model.parameterCount, quality, profile, training };
    const dir = cognateModelDir(run.ctx.phaseDir, variant.role);
    await saveCognateCheckpoint(dir, model, run.data.tokenizer, outcome);
    return { outcome, saved: { dir, role: variant.role, params: model.parameterCount, bytes: await bytesOnDisk(dir) } };
  } finally {
    model.dispose();
  }
}

async function saveCognateCheckpoint(
  dir: string,
  model: TinyTitan,
  tokenizer: BpeTokenizer,
  outcome: VariantOutcome,
): Promise<void> {
  const result = {
    role: outcome.variant.role,
    variant: outcome.variant,
    quality: outcome.quality,
    profile: outcome.profile,
  };
  await saveModelCheckpoint(dir, { model, tokenizer, extensions: titanExtensions(model), result });
}

async function runCognate(
  _input: PhaseResult | null,
  config: CognatePhaseConfig,
  ctx: PhaseContext,
): Promise<PhaseOutput> {
  const model = cognateModelConfig(ctx.preset, config.model);
  // The three variants are independent work units (here, or on `forge worker`s); each prepares the shared data.
  const units = config.variants.map((variant) => variantUnit(ctx, config, model, variant));
  const results = await runUnits(ctx, units, {
    label: 'cognate models',
    parse: (result, unit) => parseVariantResult(result, unit, ctx.runDir),
  }).finally(releaseVariantUnits);
  const outcomes = results.map((result) => result.outcome);
  const models = results.map((result) => result.saved);
  // maxRSS is in KiB.
  const peakMemoryMb = process.resourceUsage().maxRSS / 1024;
  return { models, metrics: phaseMetrics(outcomes, peakMemoryMb), report: phaseReport(outcomes, peakMemoryMb) };
}

/** Phase 1 of the pipeline; the CLI registers it as `cognate`. */
export const cognatePhase: Phase<CognatePhaseConfig> = {
  name: 'cognate',
  description: 'Three TinyTitan models with ACT and a Titans (MAL) long-term memory, trained from one shared init',
  configSchema: CognatePhaseConfigSchema,
  presetDefaults: cognatePresetDefaults,
  run: runCognate,
};
