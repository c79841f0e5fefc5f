/**
 * The three skills' problems cut into training curricula, a search set and a test set. Each skill's
 * problems come from one de-duplicated stream, test first, then search, then train, so the held-out
 * sets do not move when the curricula grow; questions are also unique across skills (a later set drops
 * any question an earlier set holds), and {@link assertDisjointSkillSets} checks it.
 */
import { ForgeError } from '../../errors.js';
import { SKILLS, generateSkillProblems, type Skill, type SkillOptions, type SkillProblem } from './skills.js';

/** Problems per skill in each set. */
export interface SkillSetSizes {
  /** Curriculum problems per skill (a specialist trains on its own). */
  readonly train: number;
  /** Problems per skill the merge search scores genomes on. */
  readonly search: number;
  /** Problems per skill nobody trains or searches on: the final, held-out comparison. */
  readonly test: number;
}

/** Problems of each skill, keyed by skill. */
export type BySkill = Readonly<Record<Skill, readonly SkillProblem[]>>;

/** The training curricula and the two held-out sets, per skill. */
export interface SkillSets {
  /** Each specialist's curriculum. */
  readonly train: BySkill;
  /** What a merge search may fit (never trained on). */
  readonly search: BySkill;
  /** Held out from training and from the search. */
  readonly test: BySkill;
}

/** Options of {@link skillSets}. */
export interface SkillSetsOptions extends SkillOptions {
  /** Integer seed (the run's seed). */
  readonly seed: number;
  /** Problems per skill in each set. */
  readonly sizes: SkillSetSizes;
}

function keepUnseen(problems: readonly SkillProblem[], seen: Set<string>): SkillProblem[] {
  const kept = problems.filter((problem) => !seen.has(problem.question));
  for (const problem of kept) seen.add(problem.question);
  return kept;
}

/** Seeded training curricula, search set and test set of every skill, disjoint by question. */
export function skillSets(options: SkillSetsOptions): SkillSets {
  const { sizes, seed, distractors } = options;
  for (const [field, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 0)
      throw new ForgeError(`must be a non-negative integer, got ${value}`, { field: `sizes.${field}` });
  }
  const pools = SKILLS.map((skill) =>
    generateSkillProblems({ skill, seed, distractors, count: sizes.test + sizes.search + sizes.train }),
  );
  const seen = new Set<string>();
  const cut = (from: number, to: number): BySkill => {
    const [reasoning, memory, adaptive] = pools.map((pool) => keepUnseen(pool.slice(from, to), seen));
    return { reasoning: reasoning ?? [], 'memory-integration': memory ?? [], 'adaptive-computation': adaptive ?? [] };
  };
  const test = cut(0, sizes.test);
  const search = cut(sizes.test, sizes.test + sizes.search);
  const train = cut(sizes.test + sizes.search, sizes.test + sizes.search + sizes.train);
  const sets = { train, search, test };
  assertDisjointSkillSets(sets);
  return sets;
}

/** Every skill's problems interleaved (one of each in turn), so any prefix mixes the skills evenly. */
export function mixSkills(bySkill: BySkill): SkillProblem[] {
  const longest = Math.max(...SKILLS.map((skill) => bySkill[skill].length));
  const mixed: SkillProblem[] = [];
  for (let i = 0; i < longest; i++) {
    for (const skill of SKILLS) {
      const problem = bySkill[skill][i];
      if (problem !== undefined) mixed.push(problem);
    }
  }
  return mixed;
}

/** Throws a ForgeError naming the set when a test question also sits in search or train, or a search question in train. */
export function assertDisjointSkillSets(sets: SkillSets): void {
  const questions = (bySkill: BySkill): Set<string> => new Set(mixSkills(bySkill).map((problem) => problem.question));
  const test = questions(sets.test);
  const search = questions(sets.search);
  for (const question of search) {
    if (test.has(question))
      throw new ForgeError(`a test question is in the search set: ${question}`, { field: 'search' });
  }
  for (const question of questions(sets.train)) {
    if (test.has(question) || search.has(question))
      throw new ForgeError(`a held-out question is in a training curriculum: ${question}`, { field: 'train' });
  }
}
