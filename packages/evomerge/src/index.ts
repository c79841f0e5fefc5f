/**
 * @agent-forge/evomerge — Phase 2: model merging. A registry of merge methods over named weight maps
 * (mergekit's — linear, slerp, nuslerp, multislerp, karcher, task_arithmetic, ties, dare, breadcrumbs,
 * della, sce, model_stock, nearswap, arcee_fusion, ram, passthrough — plus frankenmerge and dfs),
 * mergekit configs with mergekit's semantics, and streamed safetensors in → safetensors out
 * (TinyTitan checkpoints and Hugging Face layouts, sharded or not). The evolutionary search
 * over merge recipes and the `evomerge` phase (`evomergePhase`) build on `mergeWeightMaps`.
 * @packageDocumentation
 */
export {
  tensorwiseMethod,
  type BaseModelUse,
  type DfsSettings,
  type LayerRoute,
  type LayerRoutingMergeMethod,
  type MergeMethod,
  type ModelTensor,
  type RouteStep,
  type RoutingConfig,
  type TensorMergeInput,
  type TensorwiseMergeMethod,
} from './method.js';
export { MERGE_METHODS, getMergeMethod, registerMergeMethod } from './registry.js';
export { MergeConfigSchema, OUTPUT_DTYPES, type MergeConfig, type MergeConfigInput } from './config/schema.js';
export { parseMergeConfig } from './config/parse.js';
export {
  ParameterSettingSchema,
  ParametersSchema,
  evaluateSetting,
  type ConditionalParameter,
  type ParameterSetting,
  type Parameters,
  type ScalarOrGradient,
  type ScalarValue,
} from './params/setting.js';
export {
  countLayers,
  gradientPosition,
  isBeforeBlocks,
  layerTensorName,
  parseLayerName,
  positionInRun,
  type LayerName,
} from './params/position.js';
export { mergeCheckpoints, mergeWeightMaps, type MergeSummary } from './merge.js';
export { planMerge, referencedModels } from './plan/plan-merge.js';
export type { MergePlan, PlannedTensor } from './plan/planned-tensor.js';
export {
  SHARD_INDEX_FILE,
  openModelSource,
  resolveModel,
  safetensorsSource,
  shardedSafetensorsSource,
  weightMapSource,
  type ResolvedModel,
  type TensorInfo,
  type TensorSource,
} from './plan/sources.js';
export { TOKENIZER_FILES } from './output/write-checkpoint.js';
export { RESIDUAL_WRITER_SUFFIXES } from './plan/route-tensors.js';
export { writeSafetensorsStream, type StreamWriteStats } from './output/stream-safetensors.js';
export { decodeGenome } from './methods/dfs.js';
export { slerpValues, SLERP_DOT_THRESHOLD } from './methods/slerp.js';
export { RESCALE_MODES, type RescaleMode } from './kernels/rescale.js';
export type { Consensus } from './kernels/task-vectors.js';
export { evomergePhase, genomeSpace, searchSettings, EVOMERGE_MODEL_DIR, EVOLUTION_STATE_FILE } from './phase.js';
export {
  FITNESS_UNIT,
  releaseFitnessUnits,
  unitEvaluator,
  writeEvalData,
  type FitnessUnitFiles,
} from './evolve/fitness-unit.js';
export { EvomergePhaseConfigSchema, evomergePresetDefaults, type EvomergePhaseConfig } from './phase-config.js';
export {
  pickSources,
  loadSources,
  preparePhaseData,
  prepareSkillData,
  COGNATE_ROLES,
  type LoadedSources,
  type PhaseData,
} from './phase-steps.js';
export { gainFromHistory, phaseMetrics, phaseReport, type EvolutionOutcome, type Gains } from './report.js';
export { comparisonMetrics, comparisonSection, gainsOverBestSource, type SourceGains } from './report-skills.js';
export {
  finalEvaluation,
  uniformSoup,
  type CandidateSummary,
  type TestFitness,
  type FinalContext,
  type FinalEvaluation,
} from './final-eval.js';
export {
  GenomeSchema,
  RouteStepGeneSchema,
  SEARCH_METHODS,
  genomeHash,
  randomGenome,
  sourceGenome,
  repairGenome,
  type Genome,
  type GenomeSpace,
  type RouteStepGene,
  type SearchMethod,
} from './evolve/genome.js';
export { genomeToMergeConfig, sourceName } from './evolve/decode.js';
export { crossover, mutate, tournament, type MutationSettings, type Scored } from './evolve/operators.js';
export { breed, initialPopulation, type BreedSettings } from './evolve/breed.js';
export {
  genomeDistance,
  genomeDiversity,
  weightDiversity,
  fingerprintDistance,
  randomGenomeDistance,
} from './evolve/diversity.js';
export {
  FitnessWeightsSchema,
  MeasuresSchema,
  ReferenceSchema,
  compositeFitness,
  fitnessParts,
  fitnessScores,
  referenceOf,
  type FitnessParts,
  type FitnessScores,
  type FitnessWeights,
  type Measures,
  type Reference,
} from './evolve/fitness.js';
export {
  MergeEvaluator,
  heldOutLoss,
  type EvalData,
  type Evaluation,
  type EvaluatorSources,
} from './evolve/evaluator.js';
/** Teacher-forced answer accuracy moved to core (cognate's skill table uses it too); re-exported here. */
export { answerProbes, teacherForcedAccuracy, type AnswerProbes } from '@agent-forge/core';
export {
  CmaStateSchema,
  cmaAsk,
  cmaInit,
  cmaParameters,
  cmaTell,
  symmetricEigen,
  type CmaParameters,
  type CmaState,
  type Eigen,
} from './evolve/cmaes.js';
export {
  CmaesRunSchema,
  boxPenalty,
  cmaesDimension,
  cmaesGeneration,
  vectorToGenome,
  type CmaesNext,
  type CmaesRun,
  type CmaesSettings,
  type CmaesStep,
} from './evolve/cmaes-search.js';
export {
  runEvolution,
  type GenomeEvaluator,
  type SearchContext,
  type SearchOutcome,
  type SearchSettings,
} from './evolve/search.js';
export {
  EvolutionStateSchema,
  FitnessRecordSchema,
  GenerationRecordSchema,
  loadState,
  type EvolutionState,
  type FitnessRecord,
  type GenerationRecord,
} from './evolve/state.js';
