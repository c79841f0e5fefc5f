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
  type EpochBatchesState,
  modularVocab,
  type ModularOperation,
  type ModularSplit,
} from './modular/data.js';
export {
  ModularTransformer,
  PAPER_MODEL,
  answerAccuracy,
  answerMetrics,
  type ModularModelConfig,
} from './modular/model.js';
export { AdamL2, referenceWarmupLr, type AdamL2Settings } from './modular/adam-l2.js';
export {
  GrokfastArmSchema,
  GrokfastDemoOptionsSchema,
  PAPER_ARMS,
  type GrokfastArm,
  type GrokfastDemoOptions,
  type GrokfastDemoOptionsInput,
} from './modular/options.js';
export {
  GrokfastArmSession,
  type BackwardResult,
  type GrokfastCurvePoint,
  type SessionLosses,
  type SessionTiming,
} from './modular/session.js';
export { hasArmSession, loadArmSession, saveArmSession } from './modular/session-state.js';
export {
  parseGrokfastDemoOptions,
  runGrokfastArm,
  runGrokfastDemo,
  type ArmRunHooks,
  type GrokfastDemoResult,
  type GrokfastRun,
  type RunProgress,
} from './modular/demo.js';
export { grokfastCurvesSvg } from './modular/curves-svg.js';
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
export { HAND_ON_CANDIDATES, HANDED_ON_CODE, chooseHandedOn, type CheckLosses, type HandedOn } from './hand-on.js';
