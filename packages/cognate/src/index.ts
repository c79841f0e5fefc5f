/**
 * @agent-forge/cognate — Phase 1: build and pre-train three TinyTitan decoders with Adaptive
 * Computation Time and a Titans-style long-term memory (memory as a layer): one shared trunk, then one
 * specialist per skill curriculum.
 * The ACT and memory modules themselves live in @agent-forge/core's model, since every phase runs them.
 */
export { cognatePhase, cognateModelDir } from './phase.js';
export { CognatePhaseConfigSchema, cognatePresetDefaults, type CognatePhaseConfig } from './phase-config.js';
export { CognateVariantSchema, SEED_VARIANTS, variantSkill, type CognateVariant } from './variants.js';
export { cognateModelConfig, createCognateModel, variantSettings } from './models.js';
export { TRUNK_ROLE, trainStateDir, trainTrunk, trainingShape } from './train-variant.js';
export { evaluateQuality, profileForward, type ForwardProfile, type VariantQuality } from './evaluate.js';
export type { HeldOut } from '@agent-forge/core';
export {
  ownSkillWins,
  phaseMetrics,
  phaseReport,
  skillTable,
  type TrunkOutcome,
  type VariantOutcome,
} from './report.js';
export { prepareCognateData, type CognateData } from './phase-data.js';
export {
  VARIANT_UNIT,
  parseVariantResult,
  releaseVariantUnits,
  variantUnit,
  type VariantResult,
} from './variant-unit.js';
/** Rebuilds a cognate checkpoint's model: pass as `build` to `loadModelCheckpoint`. */
export { buildTitanModel as buildCognateModel } from '@agent-forge/core';
