export { perplexity, type LossModel } from './perplexity.js';
export { answerAccuracy, type AnswerRecord, type Completer } from './accuracy.js';
export { bytesOnDisk, msPerToken, parameterCount } from './measures.js';
export { greedyCompleter, promptRoom, type GreedyCompleterOptions } from './greedy.js';
export { checkSetWindows, heldOutWindows } from './windows.js';
export { evaluateQuality, type HeldOut, type Quality } from './quality.js';
export { answerProbes, teacherForcedAccuracy, type AnswerProbes } from './answer-probes.js';
export { skillHeldOut, skillScore, type SkillHeldOut, type SkillScore } from './skill-eval.js';
