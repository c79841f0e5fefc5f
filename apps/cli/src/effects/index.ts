export { EffectSettingsSchema, type EffectSettings } from './settings.js';
export { buildEffectHeldOut, type DifficultyItems, type EffectHeldOut } from './held-out.js';
export { levelAccuracy, measureModelDir, type LevelAccuracy, type ModelEffect } from './measure.js';
export {
  EFFECTS_FILE,
  measurePipelineEffects,
  type ExtraModel,
  type ModelRow,
  type PipelineEffects,
} from './pipeline-effects.js';
export { CONTROL_PHASE, effectsTable } from './table.js';
