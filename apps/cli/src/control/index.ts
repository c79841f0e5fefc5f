export { ControlSettingsSchema, type ControlSettings } from './settings.js';
export {
  blockPassTokensByPhase,
  meanBlockPasses,
  phaseOfScope,
  pipelineCompute,
  trainingTokensByPhase,
  type PhaseCompute,
} from './compute.js';
export { CONTROL_DIR, trainControl, type ControlRecord } from './train-control.js';
