/**
 * @agent-forge/forge-train — Phase 5: training with Grokfast gradient filtering (Lee et al. 2024).
 * @packageDocumentation
 */
export { STATE_SEPARATOR, type GradientFilter } from './filters/types.js';
export { EmaSettingsSchema, emaFilter, type EmaSettings } from './filters/ema.js';
export { MaSettingsSchema, maFilter, type MaSettings } from './filters/ma.js';
export {
  GRADIENT_FILTERS,
  createGrokfast,
  filterNames,
  findFilter,
  registerGradientFilter,
} from './filters/registry.js';
export {
  EQUATION_LENGTH,
  EpochBatches,
  modularEquations,
  modularVocab,
  type ModularOperation,
  type ModularSplit,
} from './modular/data.js';
export { ModularTransformer, PAPER_MODEL, answerAccuracy, type ModularModelConfig } from './modular/model.js';
export {
  GrokfastArmSchema,
  GrokfastDemoOptionsSchema,
  runGrokfastArm,
  runGrokfastDemo,
  type GrokfastArm,
  type GrokfastDemoOptions,
  type GrokfastDemoOptionsInput,
  type GrokfastDemoResult,
  type GrokfastRun,
  type RunProgress,
} from './modular/demo.js';
export { PAPER_STEPS, grokfastTable, speedup, summarizeArms, type ArmSummary } from './modular/table.js';
export {
  ForgeTrainPhaseConfigSchema,
  filterSettings,
  forgeTrainPresetDefaults,
  type ForgeTrainPhaseConfig,
} from './phase-config.js';
export {
  CurvePointSchema,
  stepsToReach,
  timedTransform,
  trainWithCurve,
  type CurveOptions,
  type CurvePoint,
  type CurveRun,
  type TimedTransform,
} from './curve.js';
export { FORGE_TRAIN_MODEL_DIR, forgeTrainPhase } from './phase.js';
