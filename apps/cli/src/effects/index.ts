export {
  DecodeEffectSettingsSchema,
  EffectSettingsSchema,
  Gsm8kEffectSettingsSchema,
  type DecodeEffectSettings,
  type EffectSettings,
  type Gsm8kEffectSettings,
} from './settings.js';
export { buildEffectHeldOut, type DifficultyItems, type EffectHeldOut } from './held-out.js';
export {
  calculatorAccuracy,
  levelAccuracy,
  measureModelDir,
  type CalculatorAccuracy,
  type ItemOutcome,
  type LevelAccuracy,
  type ModelEffect,
} from './measure.js';
export {
  EFFECTS_FILE,
  measurePipelineEffects,
  type ExtraModel,
  type ModelRow,
  type PipelineEffects,
} from './pipeline-effects.js';
export { effectsTable } from './table.js';
export {
  CONTROL_PHASE,
  finalAndControl,
  measureFinalVsControl,
  readGsm8kItems,
  type ComparedModel,
  type DecodeSpeed,
  type FinalVsControl,
  type Gsm8kItems,
} from './comparison.js';
