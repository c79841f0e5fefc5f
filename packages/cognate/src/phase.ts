/**
 * The cognate phase, the pipeline's first: train one tokenizer and one shared trunk (a TinyTitan with ACT
 * and a Titans MAL memory) on the phase's data, then three specialists that each continue from the trunk
 * on their own skill curriculum with their own ACT/memory thresholds; evaluate every model on every
 * skill's held-out problems and save the three as checkpoints with roles 'reasoning',
 * 'memory-integration' and 'adaptive-computation'. An interrupted phase resumes the trunk and each
 * model from its own training state.
 */
import path from 'node:path';
import {
  SKILLS,
  bytesOnDisk,
  runUnits,
  saveModelCheckpoint,
  skillScore,
  titanExtensions,
  weightsFromTf,
  writeSafetensorsFile,
} from '@agent-forge/core';
import type {
  BpeTokenizer,
  ModelConfig,
  Phase,
  PhaseContext,
  PhaseModel,
  PhaseOutput,
  PhaseResult,
  Skill,
  SkillScore,
  NamedTensors,
  TinyTitan,
} from '@agent-forge/core';
import { evaluateQuality, profileForward } from './evaluate.js';
import { createCognateModel, cognateModelConfig } from './models.js';
import { CognatePhaseConfigSchema, cognatePresetDefaults, type CognatePhaseConfig } from './phase-config.js';
import { prepareCognateData, type CognateData } from './phase-data.js';
import { phaseMetrics, phaseReport, type TrunkOutcome, type VariantOutcome } from './report.js';
import { trainTrunk, trainVariant } from './train-variant.js';
import { variantSkill, type CognateVariant } from './variants.js';
import { parseVariantResult, releaseVariantUnits, variantUnit } from './variant-unit.js';

/** The trained trunk's weights, every specialist's starting point, inside the phase directory. */
export function trunkWeightsFile(phaseDir: string): string {
  return path.join(phaseDir, 'trunk', 'model.safetensors');
}

/** Checkpoint directory of a role inside the phase directory. */
export function cognateModelDir(phaseDir: string, role: string): string {
  return path.join(phaseDir, 'models', role);
}

interface VariantRun {
  readonly model: ModelConfig;
  readonly data: CognateData;
  readonly config: CognatePhaseConfig;
  readonly ctx: PhaseContext;
  /** The trained trunk's weights, every specialist's starting point. */
  readonly trunk: NamedTensors;
}

/** Loss and teacher-forced accuracy of `model` on every skill's held-out problems. */
function scoreSkills(model: TinyTitan, data: CognateData): Record<Skill, SkillScore> {
  return Object.fromEntries(SKILLS.map((skill) => [skill, skillScore(model, data.skillHeldOut[skill])])) as Record<
    Skill,
    SkillScore
  >;
}

/** Trains, evaluates and saves one variant (as a work unit: see variant-unit.ts). */
export async function runVariant(
  variant: CognateVariant,
  run: VariantRun,
): Promise<{ outcome: VariantOutcome; saved: PhaseModel }> {
  const model = createCognateModel(run.model, variant, run.config, run.ctx.seed);
  try {
    model.loadWeights(run.trunk);
    const skill = variantSkill(variant);
    const specialist = { ...run.config, steps: run.config.specialistSteps };
    const training = await trainVariant(model, variant, specialist, run.ctx, run.data.curricula[skill]);
    const quality = await evaluateQuality(model, run.data.tokenizer, run.data.heldOut);
    const profile = profileForward(model, run.data.heldOut.windows);
    const skills = scoreSkills(model, run.data);
    const outcome: VariantOutcome = {
      variant,
      skill,
      params: model.parameterCount,
      quality,
      profile,
      training,
      skills,
    };
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
  const data = await prepareCognateData(config, ctx, model);
  // The trunk trains with the first variant's ACT/memory settings; the settings shape no weight.
  const trunkModel = createCognateModel(model, config.variants[0] as CognateVariant, config, ctx.seed);
  let trunk: TrunkOutcome;
  try {
    trunk = {
      training: await trainTrunk(trunkModel, config, ctx, data.trainDocuments),
      skills: scoreSkills(trunkModel, data),
    };
    // The specialists are independent work units (here, or on `forge worker`s): they read the trunk from disk.
    await writeSafetensorsFile(trunkWeightsFile(ctx.phaseDir), weightsFromTf(trunkModel.namedWeights()));
  } finally {
    trunkModel.dispose();
  }
  const units = config.variants.map((variant) => variantUnit(ctx, config, model, variant));
  const results = await runUnits(ctx, units, {
    label: 'cognate models',
    parse: (result, unit) => parseVariantResult(result, unit, ctx.runDir),
  }).finally(releaseVariantUnits);
  const outcomes = results.map((result) => result.outcome);
  const models = results.map((result) => result.saved);
  // maxRSS is in KiB.
  const peakMemoryMb = process.resourceUsage().maxRSS / 1024;
  return {
    models,
    metrics: phaseMetrics(outcomes, peakMemoryMb, trunk),
    report: phaseReport(outcomes, peakMemoryMb, trunk),
  };
}

/** Phase 1 of the pipeline; the CLI registers it as `cognate`. */
export const cognatePhase: Phase<CognatePhaseConfig> = {
  name: 'cognate',
  description:
    'Three TinyTitan specialists with ACT and a Titans (MAL) long-term memory, each continued from one shared trunk on its own skill curriculum',
  configSchema: CognatePhaseConfigSchema,
  presetDefaults: cognatePresetDefaults,
  run: runCognate,
};
