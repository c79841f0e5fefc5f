/** TinyTitan, the base model every phase trains, merges, quantizes and serves. */
export {
  ModelConfigSchema,
  MODEL_PRESETS,
  parseModelConfig,
  type ModelConfig,
  type ModelConfigInput,
  type ModelPresetName,
} from './config.js';
export { expectedShapes, countParameters } from './shapes.js';
export { TinyTitan, type TinyTitanOptions, type LossOptions, type NamedTensors, type HiddenPass } from './model.js';
export { denseLinear, applyMatrix, type Linear, type LinearSpec, type LinearFactory } from './linear.js';
export { Block, sequentialBlocks, type BlockParts, type BlockRunner, type BlockContext } from './block.js';
export {
  CausalSelfAttention,
  causalMask,
  type AttentionCall,
  type AttentionOptions,
  type AttentionHeads,
  type AttentionStep,
  type AttentionStepContext,
} from './attention.js';
export { Mlp, gelu, type MlpOptions } from './mlp.js';
export { createNorm, layerNormOp, type Norm } from './norm.js';
export { RotaryEmbedding } from './rotary.js';
export { KvCache, type LayerKvCache } from './cache.js';
export { normalWeight, constantWeight, type WeightInit, type NamedVariables } from './weights.js';
export { crossEntropy } from './loss.js';
export { argmax, pickToken, type SamplingOptions } from './sampling.js';
export {
  generate,
  injectedTokens,
  GenerateOptionsSchema,
  type GenerateOptions,
  type GenerateResult,
  type StopReason,
} from './generate.js';
export { HaltingUnit, ponder, type HaltingSettings, type PonderOutcome, type PonderTransition } from './act.js';
export { NeuralMemory, ScalarGate, type MemorySettings, type MemoryState, type MemoryScan } from './memory.js';
export {
  ActSettingsSchema,
  MemorySettingsSchema,
  TitanSettingsSchema,
  TITAN_EXTENSION,
  parseTitanSettings,
  type TitanSettings,
  type TitanSettingsInput,
} from './titan-settings.js';
export { TitanRunner, type TitanForwardStats } from './titan-runner.js';
export {
  createTitanModel,
  titanRunnerOf,
  titanExtensions,
  buildTitanModel,
  ponderingLoss,
  trainingObjective,
  titanModelExtension,
  type TitanModelOptions,
} from './titan-model.js';
export {
  buildModel,
  registerModelExtension,
  findModelExtension,
  MODEL_EXTENSIONS,
  type RegisteredModelExtension,
  type BuildModelOptions,
  type ExtensionSaveModel,
  type ModelBuildPlan,
  type ModelExtension,
} from './extensions.js';
