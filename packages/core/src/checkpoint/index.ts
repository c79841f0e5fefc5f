export { CHECKPOINT_FILES } from './layout.js';
export { loadCheckpoint, type LoadCheckpointOptions, type LoadedCheckpoint } from './load.js';
export { saveCheckpoint, type CheckpointContents } from './save.js';
export { checkTensorShapes, type ShapeCheckOptions } from './shapes.js';
export {
  ModelCheckpointConfigSchema,
  loadModelCheckpoint,
  saveModelCheckpoint,
  type ModelBuilder,
  type ModelCheckpointConfig,
  type SavedModel,
} from './model-checkpoint.js';
export { buildModelWithWeights, type BuildWithWeightsOptions } from './build-with-weights.js';
export { maxWeightDifference } from './compare.js';
