/**
 * @agent-forge/baking — Phase 6: prompt baking (Bhargava et al. 2024) of personas and tools into
 * LoRA adapters, trained to minimise KL(prompted ‖ unprompted+adapter) on sampled trajectories.
 * The adapter format it writes (LoRA slots, the `lora` extension, adapter files, loading a model with its
 * adapters) lives in @agent-forge/core.
 * @packageDocumentation
 */
export { LORA_MODULES, LoraModulesSchema, loraTargetLayers, type LoraModule } from './lora/settings.js';
export { mergeAdapter } from './lora/merge.js';
export { DEFAULT_PERSONAS, DEFAULT_TOOLS, PERSONA_NAME, encodePrompt, mergePrompts } from './personas.js';
export { sampleContinuations, type BatchSampling } from './sample-batch.js';
export {
  sampleTrajectories,
  trajectoryBatchSource,
  withBaseModel,
  type SamplingSettings,
  type Trajectory,
} from './trajectories.js';
export { klSum, meanKl } from './kl.js';
export { bakeAdapter, bakeObjective, type BakeOptions } from './bake.js';
export {
  klReport,
  markerRates,
  measureLatency,
  type KlReport,
  type LatencyReport,
  type MarkerRates,
} from './evaluate.js';
export { BAKE_UNIT, bakeUnit, parseBakeOutcome } from './bake-unit.js';
export {
  BakingPhaseConfigSchema,
  ToolPromptSchema,
  bakingPresetDefaults,
  type BakingPhaseConfig,
  type ToolPrompt,
} from './phase-config.js';
export { runBakeJob, type BakeEnvironment, type BakeJob, type BakeOutcome } from './bake-job.js';
export type { BakeInputs } from './phase-steps.js';
export { MERGED_MODEL_DIR } from './merge-step.js';
export { phaseMetrics, phaseReport, type MergedOutcome, type PhaseOutcome } from './report.js';
export { BAKED_MODEL_DIR, bakeJobs, bakingPhase } from './phase.js';
export * from './deprecated.js';
