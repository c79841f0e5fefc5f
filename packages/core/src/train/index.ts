export { TrainConfigSchema, type TrainConfig } from './config.js';
export { learningRateAt } from './schedule.js';
export { AdamW, type AdamWSettings } from './adamw.js';
export {
  clipByGlobalNorm,
  disposeGradients,
  globalNorm,
  type GradientMap,
  type GradientTransform,
} from './gradients.js';
export { LossGuard } from './guard.js';
export { activationBytesPerSequence, chooseMicroBatch, type ActivationShape } from './micro-batch.js';
export {
  TRAINING_COMPUTE_EVENT,
  train,
  type BatchSource,
  type TrainOptions,
  type TrainSummary,
  type TrainableModel,
} from './loop.js';
export { loadTrainState, saveTrainState, type TrainStateParts } from './train-state.js';
export { documentBatchSource } from './batch-source.js';
