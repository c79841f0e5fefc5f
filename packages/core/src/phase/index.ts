export { parseConfig } from './config.js';
export { lineProgress, silentProgress, type ProgressReporter, type ProgressTask } from './progress.js';
export {
  PHASE_NAMES,
  PhaseModelSchema,
  PhaseNameSchema,
  PhaseResultSchema,
  PresetNameSchema,
  type Phase,
  type PhaseContext,
  type PhaseModel,
  type PhaseName,
  type PhaseOutput,
  type PhaseResult,
  type PresetName,
} from './types.js';
export {
  PIPELINE_FILE,
  RESULT_FILE,
  PhaseStateSchema,
  PhaseStatusSchema,
  PipelineStateSchema,
  newRunId,
  phaseDirName,
  readPhaseResult,
  readPipelineState,
  writePipelineState,
  type PhaseState,
  type PhaseStatus,
  type PipelineState,
} from './run-state.js';
export { runPipeline, type PipelineOptions, type PipelineOutcome } from './pipeline.js';
export { builtinDataFor } from './data.js';
export { hashDirectory, checkDirectoryHashes, type DirectoryHashes } from './content-hash.js';
export {
  loadPhaseSplit,
  preparePhaseData,
  preparePhaseDataWithCheckSet,
  type DataSplitSettings,
  type PhaseData,
  type PhaseDataHooks,
  type PhaseDataSettings,
  type PhaseSplit,
} from './phase-data.js';
export { pickInputModel, type InputModelChoice } from './input-model.js';
export { REPORT_FILE, resolvePhaseConfig, runPhase } from './run-phase.js';
export {
  ANSWER_TOKEN_BUDGET,
  DataSettingsSchema,
  EVALUATION_DEFAULTS,
  EvaluationSettingsSchema,
  evaluationSettingsSchema,
  type EvaluationDefaults,
  type EvaluationSettings,
} from './settings.js';
