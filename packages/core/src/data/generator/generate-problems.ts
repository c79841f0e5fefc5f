import { ForgeError } from '../../errors.js';
import { Rng } from '../../rng/rng.js';
import type { Problem } from '../problem.js';
import { MAX_DIFFICULTY, TemplateContext, type DraftProblem, type ProblemTemplate } from './template.js';
import { ages } from './templates/ages.js';
import { collection } from './templates/collection.js';
import { comparison } from './templates/comparison.js';
import { earnings } from './templates/earnings.js';
import { groups } from './templates/groups.js';
import { rates } from './templates/rates.js';
import { sharing } from './templates/sharing.js';
import { shopping } from './templates/shopping.js';

/** Every word-problem template `generateProblems` draws from (shopping, sharing, rates, ages…), uniformly. */
export const PROBLEM_TEMPLATES: readonly ProblemTemplate[] = [
  shopping,
  sharing,
  rates,
  ages,
  collection,
  earnings,
  groups,
  comparison,
];

/** Options of `generateProblems`, as the `builtin` data source gives them. */
export interface GenerateProblemsOptions {
  /** How many distinct problems to generate; a non-negative integer. */
  readonly count: number;
  /** Integer seed; a larger `count` with the same seed extends the list without changing its start. */
  readonly seed: number;
  /** 1: one operation, small numbers · 2: two steps · 3: three or more · 4–5: larger numbers. */
  readonly difficulty: number;
}

export interface GeneratedProblem extends Problem {
  /** Which template wrote it, e.g. 'shopping'. */
  readonly template: string;
  /** The difficulty it was generated at, 1 to `MAX_DIFFICULTY`. */
  readonly difficulty: number;
}

/** How many draws per requested problem before giving up on finding distinct questions. */
const ATTEMPTS_PER_PROBLEM = 20;

/**
 * Seeded GSM8K-style word problems, all distinct. Draw i comes from its own forked stream, so
 * asking for more problems with the same seed extends the list without changing its prefix; the
 * stream label includes the difficulty, so two difficulties under one seed are not parallel.
 */
export function generateProblems(options: GenerateProblemsOptions): GeneratedProblem[] {
  const { count, seed, difficulty } = options;
  if (!Number.isInteger(count) || count < 0)
    throw new ForgeError(`must be a non-negative integer, got ${count}`, { field: 'count' });
  if (!Number.isInteger(seed)) throw new ForgeError(`must be an integer, got ${seed}`, { field: 'seed' });
  if (!Number.isInteger(difficulty) || difficulty < 1 || difficulty > MAX_DIFFICULTY) {
    throw new ForgeError(`must be an integer from 1 to ${MAX_DIFFICULTY}, got ${difficulty}`, { field: 'difficulty' });
  }
  const root = Rng.fromSeed(seed);
  const seen = new Set<string>();
  const problems: GeneratedProblem[] = [];
  for (let attempt = 0; problems.length < count; attempt++) {
    if (attempt >= count * ATTEMPTS_PER_PROBLEM) {
      throw new ForgeError(`cannot find ${count} distinct problems at difficulty ${difficulty}; ask for fewer`, {
        field: 'count',
      });
    }
    const rng = root.fork(`problem-d${difficulty}-${attempt}`);
    const template = rng.pick(PROBLEM_TEMPLATES);
    const draft = template.build(new TemplateContext(rng, difficulty));
    if (seen.has(draft.question)) continue;
    seen.add(draft.question);
    problems.push({ ...renderDraft(draft), template: template.name, difficulty });
  }
  return problems;
}

/** Options of {@link generateProblemMix}. */
export interface GenerateProblemMixOptions {
  /** How many distinct problems in all; a non-negative integer. */
  readonly count: number;
  /** Integer seed, shared by every difficulty (their streams are apart by label). */
  readonly seed: number;
  /** The difficulties to mix in equal shares, each 1 to `MAX_DIFFICULTY`, none twice. */
  readonly difficulties: readonly number[];
}

/**
 * Problems at several difficulties in equal shares (the first difficulties take the remainder), interleaved
 * one of each in turn, so a prefix of the list (a small held-out share, the first batches) has every level.
 * A model trained on one difficulty alone answers in that difficulty's shape: trained on two-step problems,
 * it answers a one-step problem with two steps.
 */
export function generateProblemMix(options: GenerateProblemMixOptions): GeneratedProblem[] {
  const { count, seed, difficulties } = options;
  if (difficulties.length === 0) throw new ForgeError('needs at least one difficulty', { field: 'difficulty' });
  if (new Set(difficulties).size !== difficulties.length) {
    throw new ForgeError(`lists a difficulty twice: ${difficulties.join(', ')}`, { field: 'difficulty' });
  }
  const share = Math.floor(count / difficulties.length);
  const lists = difficulties.map((difficulty, index) =>
    generateProblems({ count: share + (index < count % difficulties.length ? 1 : 0), seed, difficulty }),
  );
  const mixed: GeneratedProblem[] = [];
  for (let row = 0; mixed.length < count; row++) {
    for (const list of lists) {
      const problem = list[row];
      if (problem) mixed.push(problem);
    }
  }
  return mixed;
}

/** A draft as a `Problem`: the solution lines, then `#### <answer>`. */
export function renderDraft(draft: DraftProblem): Problem {
  const finalAnswer = String(draft.answer);
  return { question: draft.question, answer: `${draft.lines.join('\n')}\n#### ${finalAnswer}`, finalAnswer };
}
