/** The evomerge phase's inputs: the source checkpoints (loaded as weight maps) and the fixed evaluation data. */
import path from 'node:path';
import {
  CHECKPOINT_FILES,
  ForgeError,
  ModelCheckpointConfigSchema,
  SKILLS,
  SPECIAL_IDS,
  answerProbes,
  heldOutWindows,
  mixSkills,
  skillHeldOut,
  skillSets,
  loadCheckpoint,
  loadPhaseSplit,
  tokenizerFromFile,
} from '@agent-forge/core';
import type {
  AnswerProbes,
  BpeTokenizer,
  ModelConfig,
  PhaseContext,
  PhaseModel,
  PhaseResult,
  Problem,
  Skill,
  SkillHeldOut,
  WeightMap,
} from '@agent-forge/core';
import type { EvalData, EvaluatorSources } from './evolve/evaluator.js';
import type { EvomergePhaseConfig } from './phase-config.js';

/** Cognate's roles, in the order the sources are numbered. */
export const COGNATE_ROLES = ['reasoning', 'memory-integration', 'adaptive-computation'];

/** The models to merge: cognate's roles first (in their order), then any others; at least two. */
export function pickSources(input: PhaseResult | null): PhaseModel[] {
  if (input === null)
    throw new ForgeError('evomerge needs the models to merge: run after cognate or pass --input', { field: 'input' });
  const rank = (role: string): number =>
    COGNATE_ROLES.includes(role) ? COGNATE_ROLES.indexOf(role) : COGNATE_ROLES.length;
  const models = [...input.models].sort((a, b) => rank(a.role) - rank(b.role));
  if (models.length < 2) {
    throw new ForgeError(`evomerge merges at least 2 models, but the ${input.phase} result lists ${models.length}`, {
      field: 'input.models',
    });
  }
  return models;
}

/** The source checkpoints loaded in memory, ready for a {@link MergeEvaluator}; index i is source i of the genomes. */
export interface LoadedSources extends EvaluatorSources {
  /** The previous phase's model entries in source order (cognate roles first), for directories and role labels. */
  readonly models: readonly PhaseModel[];
  /** The one tokenizer all sources share (checked on load). */
  readonly tokenizer: BpeTokenizer;
}

/** Loads every source; they must share the architecture (tensor names and shapes are checked by the merge) and the tokenizer. */
export async function loadSources(models: readonly PhaseModel[]): Promise<LoadedSources> {
  const weights: WeightMap[] = [];
  const extensions: Record<string, unknown>[] = [];
  let modelConfig: ModelConfig | undefined;
  let tokenizerJson: string | undefined;
  for (const entry of models) {
    const loaded = await loadCheckpoint(entry.dir, { configSchema: ModelCheckpointConfigSchema });
    const file = path.join(entry.dir, CHECKPOINT_FILES.config);
    if (modelConfig !== undefined && JSON.stringify(loaded.config.model) !== JSON.stringify(modelConfig)) {
      throw new ForgeError(
        `model '${entry.role}' has another architecture than '${models[0]?.role}'; merging needs one architecture`,
        { file, field: 'model' },
      );
    }
    const tokenizer = JSON.stringify(loaded.tokenizer ?? null);
    if (loaded.tokenizer === undefined)
      throw new ForgeError('a source checkpoint needs its tokenizer.json', {
        file: path.join(entry.dir, CHECKPOINT_FILES.tokenizer),
      });
    if (tokenizerJson !== undefined && tokenizer !== tokenizerJson) {
      throw new ForgeError(
        `model '${entry.role}' has another tokenizer than '${models[0]?.role}'; merging needs one vocabulary`,
        { file: path.join(entry.dir, CHECKPOINT_FILES.tokenizer) },
      );
    }
    modelConfig = loaded.config.model;
    tokenizerJson = tokenizer;
    weights.push(loaded.weights);
    extensions.push(loaded.config.extensions);
  }
  const first = models[0] as PhaseModel;
  const tokenizer = tokenizerFromFile(
    JSON.parse(tokenizerJson as string) as unknown,
    path.join(first.dir, CHECKPOINT_FILES.tokenizer),
  );
  return { models, weights, extensions, modelConfig: modelConfig as ModelConfig, tokenizer };
}

/** The phase's fixed evaluation data, from the held-out side only (never training text). */
export interface PhaseData {
  /** What the fitness is measured on. */
  readonly search: EvalData;
  /** Held-out windows the search never sees, for the report. */
  readonly testWindows: EvalData['windows'];
  /** Problems decoded greedily in the report. */
  readonly reportProblems: readonly Problem[];
  /** Answer probes of the mixed-skill test problems, for the report's test-side fitness (with `fitnessData: 'skills'`). */
  readonly testProbes?: AnswerProbes;
  /** Per skill, the held-out test problems the search never sees (with `fitnessData: 'skills'`). */
  readonly skillTest?: Readonly<Record<Skill, SkillHeldOut>>;
}

/**
 * The built-in generator's skill sets: the fitness on the mixed-skill search set, the report on the
 * mixed-skill test set (cognate's held-out items) and on each skill's test problems; no training side.
 */
export function prepareSkillData(
  config: EvomergePhaseConfig,
  ctx: Pick<PhaseContext, 'seed'>,
  tokenizer: BpeTokenizer,
  contextLength: number,
): PhaseData {
  const sets = skillSets({
    seed: ctx.seed,
    distractors: config.recallDistractors,
    sizes: { train: 0, search: config.searchProblems, test: config.testProblems },
  });
  const search = skillHeldOut(
    mixSkills(sets.search).slice(0, 3 * config.searchProblems),
    tokenizer,
    contextLength,
    config.evalWindows,
  );
  const test = mixSkills(sets.test);
  const skillTest = Object.fromEntries(
    SKILLS.map((skill) => [skill, skillHeldOut(sets.test[skill], tokenizer, contextLength, config.testWindows)]),
  ) as Record<Skill, SkillHeldOut>;
  return {
    search: {
      windows: search.windows,
      probes: answerProbes(mixSkills(sets.search).slice(0, config.evalProblems), tokenizer, contextLength),
    },
    testWindows: skillHeldOut(test, tokenizer, contextLength, config.testWindows).windows,
    reportProblems: test.slice(0, config.reportProblems),
    testProbes: answerProbes(test, tokenizer, contextLength),
    skillTest,
  };
}

function sliceRows(windows: EvalData['windows'], from: number, to: number): EvalData['windows'] {
  return { tokens: windows.tokens.slice(from * windows.cols, to * windows.cols), rows: to - from, cols: windows.cols };
}

/**
 * The fitness and report data: the skill sets by default (see {@link prepareSkillData}); with
 * `fitnessData: 'data'`, core's data choice and split (the same held-out side as cognate's), cut into
 * search windows, test windows and probes.
 */
export async function preparePhaseData(
  config: EvomergePhaseConfig,
  ctx: Pick<PhaseContext, 'data' | 'preset' | 'seed'>,
  tokenizer: BpeTokenizer,
  contextLength: number,
): Promise<PhaseData> {
  if (config.fitnessData === 'skills') return prepareSkillData(config, ctx, tokenizer, contextLength);
  const { validation } = await loadPhaseSplit(config, ctx);
  const all = heldOutWindows(
    validation.tokenize(tokenizer),
    contextLength,
    SPECIAL_IDS.eos,
    config.evalWindows + config.testWindows,
  );
  if (all.rows < 2) {
    throw new ForgeError(
      `the held-out data (${validation.size} examples) gives ${all.rows} window(s) of ${contextLength} tokens; evomerge needs at least 2`,
      { field: 'data' },
    );
  }
  const searchRows = Math.min(config.evalWindows, all.rows - 1);
  const problems = validation.problems();
  return {
    search: {
      windows: sliceRows(all, 0, searchRows),
      probes: answerProbes(problems.slice(0, config.evalProblems), tokenizer, contextLength),
    },
    testWindows: sliceRows(all, searchRows, all.rows),
    reportProblems: problems.slice(config.evalProblems, config.evalProblems + config.reportProblems),
  };
}
