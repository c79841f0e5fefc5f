/**
 * Data: the byte-level BPE tokenizer, loaders (GSM8K, text JSONL, plain text), the built-in
 * problem generator, formatting, splits and packed batches.
 */
export * from './tokenizer/index.js';
export { type Problem, extractFinalAnswer } from './problem.js';
export { formatProblem, type FormattedProblem } from './format.js';
export { loadGsm8k, parseGsm8k } from './loaders/gsm8k.js';
export { loadTextJsonl, parseTextJsonl } from './loaders/text-jsonl.js';
export { loadPlainText, splitPlainText, type PlainTextOptions } from './loaders/plain-text.js';
export { parseJsonl, type JsonlRecord } from './loaders/jsonl.js';
export {
  generateProblemMix,
  generateProblems,
  PROBLEM_TEMPLATES,
  type GenerateProblemMixOptions,
  type GenerateProblemsOptions,
  type GeneratedProblem,
} from './generator/generate-problems.js';
export {
  MAX_DIFFICULTY,
  TemplateContext,
  type DraftProblem,
  type ProblemTemplate,
  type StepLevel,
} from './generator/template.js';
export type { Person } from './generator/vocabulary.js';
export {
  SKILLS,
  SKILL_CURRICULA,
  generateSkillProblems,
  skillProblemStream,
  type Skill,
  type SkillProblem,
  type SkillCurriculum,
  type SkillDraw,
  type SkillOptions,
  type GenerateSkillOptions,
} from './generator/skills.js';
export {
  skillSets,
  mixSkills,
  assertDisjointSkillSets,
  skillSetOf,
  type BySkill,
  type SkillSets,
  type SkillSetSizes,
  type SkillSetsOptions,
} from './generator/skill-sets.js';
export { splitByHash, type SplitOptions, type Split } from './split.js';
export { packTokenStream, windowCount } from './pack.js';
export { firstWindows, type TokenWindows } from './token-windows.js';
export {
  BatchIterator,
  batchPositionSchema,
  type BatchIteratorOptions,
  type BatchPosition,
  type TokenBatch,
} from './batch-iterator.js';
export {
  Dataset,
  loadDataset,
  datasetSourceSchema,
  type DatasetSource,
  type DataExample,
  type DatasetBatchOptions,
  type TokenEncoder,
} from './dataset.js';
export { detectDataSource } from './detect-source.js';
