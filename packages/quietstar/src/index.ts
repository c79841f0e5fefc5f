/**
 * @agent-forge/quietstar — Phase 3: Quiet-STaR (Zelikman et al. 2024, "Quiet-STaR: Language Models Can
 * Teach Themselves to Think Before Speaking"): learned start/end-of-thought tokens, parallel thoughts
 * after every position with the diagonal attention mask, a mixing head, REINFORCE on the likelihood of
 * the true continuation, coherence scores and anti-theater checks. Importing it registers the
 * `quietstar` model extension. See README.md.
 * @packageDocumentation
 */
export {
  QUIETSTAR_EXTENSION,
  QUIETSTAR_SIDECAR,
  QuietStarExtensionSchema,
  QuietStarSettingsSchema,
  parseQuietStarExtension,
  parseQuietStarSettings,
  type QuietStarExtension,
  type QuietStarSettings,
  type QuietStarSettingsInput,
} from './settings.js';
export { ThoughtPath, PlainPath, type BasePassOutput, type LayerKv } from './thought-path.js';
export { MIXER_PREFIX, MixingHead, type MixWeightRange } from './mixing-head.js';
export { THOUGHT_EMBED_NAME, Thinker, disposeBase, type BaseOutput, type ThinkerWeights } from './thinker.js';
export { rollout, type Rollout, type RolloutSpec } from './rollout.js';
export { type ThoughtWindow } from './window.js';
export { quietStarObjective, type ObjectiveOptions, type ThoughtBatch } from './objective.js';
export {
  centredByPosition,
  coherenceScores,
  pearson,
  thoughtDiversity,
  type ScoreLayout,
  type ThoughtScores,
} from './coherence.js';
export { continuationOverlap, directContinuation } from './continuation.js';
export { evaluateThoughts, shuffledThoughts, type HeldOutWindows, type ThoughtEvaluation } from './evaluate.js';
export {
  ThoughtSession,
  generateWithThoughts,
  thinkAndPredict,
  type ThinkOptions,
  type ThoughtGenerateOptions,
  type ThoughtPrediction,
} from './think.js';
export {
  accuracyWithAndWithout,
  measureLatency,
  thoughtCompleter,
  type AccuracyPair,
  type Codec,
  type Latency,
} from './answers.js';
export { answerTargetMask, evaluateAnswerTokens, pairedDifference, type AnswerEvaluation } from './answer-tokens.js';
export { checkWindows, type CheckLosses } from './check-set.js';
export {
  compareWithInput,
  type HandedOn,
  type InputComparison,
  type PairedFigure,
  type PlainModelNll,
} from './keep.js';
export { loadThinker, quietStarExtension, quietstarModelExtension, saveThinker } from './checkpoint.js';
export { QuietStarPhaseConfigSchema, quietstarPresetDefaults, type QuietStarPhaseConfig } from './phase-config.js';
export { QUIETSTAR_MODEL_DIR, quietstarPhase } from './phase.js';
