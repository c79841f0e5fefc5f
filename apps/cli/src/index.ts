/**
 * @agent-forge/cli — the `forge` command, and the pieces it is made of for programmatic use.
 * @packageDocumentation
 */
export { createProgram, type ProgramIo } from './program.js';
export { REGISTERED_PHASES, findPhase } from './phases.js';
export {
  BackendChoiceSchema,
  PipelineConfigSchema,
  applyOverrides,
  loadPipelineConfig,
  readConfigFile,
  type BackendChoice,
  type ConfigSources,
  type PipelineConfig,
} from './pipeline-config.js';
export { terminalProgress } from './progress.js';
export { untilStopSignal, type SignalSource } from './stop-signals.js';
export {
  RUNTIME_NAMES,
  openRuntime,
  readModelExtensions,
  type OpenRuntime,
  type RuntimeName,
} from './runtimes/index.js';
export { loadEdgeModel, MODEL_LOADERS, type LoadModelOptions, type ModelLoader } from './load-model.js';
