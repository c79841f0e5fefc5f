/**
 * The three skills' problems cut into training curricula, a search set and a test set. Which set a
 * problem belongs to is a seeded hash of its question alone (a tenth to test, a tenth to search, the
 * rest to training), so the sets are disjoint by construction whatever sizes a phase asks for, across
 * skills too: cognate's curricula and evomerge's search set never hold a test question, and the search
 * set is never trained on. {@link assertDisjointSkillSets} checks it.
 */
import { ForgeError } from '../../errors.js';
import { hashString } from '../../rng/rng.js';
import { mix32 } from '../split.js';
import { SKILLS, skillProblemStream, type Skill, type SkillOptions, type SkillProblem } from './skills.js';

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

/** Share of questions that belong to the test set, and (the next share) to the search set. */
const HELD_OUT_SHARE = 0.1;

/** The set a question belongs to under `seed`: a function of the question text alone. */
export function skillSetOf(question: string, seed: number): keyof SkillSets {
  const u = mix32(hashString(`${seed}\u0000skill-set\u0000${question}`)) / 2 ** 32;
  return u < HELD_OUT_SHARE ? 'test' : u < 2 * HELD_OUT_SHARE ? 'search' : 'train';
}

function fillSkill(skill: Skill, options: SkillSetsOptions): Record<keyof SkillSets, SkillProblem[]> {
  const sets: Record<keyof SkillSets, SkillProblem[]> = { train: [], search: [], test: [] };
  const full = (): boolean =>
    (Object.keys(sets) as (keyof SkillSets)[]).every((k) => sets[k].length >= options.sizes[k]);
  if (full()) return sets;
  for (const problem of skillProblemStream({ skill, seed: options.seed, distractors: options.distractors })) {
    const name = skillSetOf(problem.question, options.seed);
    if (sets[name].length < options.sizes[name]) sets[name].push(problem);
    if (full()) break;
  }
  return sets;
}

/** Seeded training curricula, search set and test set of every skill, disjoint by question. */
export function skillSets(options: SkillSetsOptions): SkillSets {
  for (const [field, value] of Object.entries(options.sizes)) {
    if (!Number.isInteger(value) || value < 0)
      throw new ForgeError(`must be a non-negative integer, got ${value}`, { field: `sizes.${field}` });
  }
  const [reasoning, memory, adaptive] = SKILLS.map((skill) => fillSkill(skill, options)) as [
    Record<keyof SkillSets, SkillProblem[]>,
    Record<keyof SkillSets, SkillProblem[]>,
    Record<keyof SkillSets, SkillProblem[]>,
  ];
  const bySkill = (set: keyof SkillSets): BySkill => ({
    reasoning: reasoning[set],
    'memory-integration': memory[set],
    'adaptive-computation': adaptive[set],
  });
  const sets = { train: bySkill('train'), search: bySkill('search'), test: bySkill('test') };
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
