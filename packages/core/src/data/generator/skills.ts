/**
 * Skill curricula for cognate's three specialists: each skill is a registry entry that draws one
 * problem from a seeded stream. reasoning: the templates at three or more steps; memory-integration:
 * recall of facts stated far back, behind distractor facts; adaptive-computation: a mix of one-step
 * items with small numbers and three-step items with large numbers, so the needed pondering varies.
 */
import { ForgeError } from '../../errors.js';
import { Rng } from '../../rng/rng.js';
import { PROBLEM_TEMPLATES, renderDraft, type GeneratedProblem } from './generate-problems.js';
import { MAX_DIFFICULTY, TemplateContext, type DraftProblem } from './template.js';
import { buildRecall } from './templates/recall.js';
import { PEOPLE } from './vocabulary.js';

/** The three skills, named like cognate's roles. */
export const SKILLS = ['reasoning', 'memory-integration', 'adaptive-computation'] as const;
/** One of {@link SKILLS}. */
export type Skill = (typeof SKILLS)[number];

/** A generated problem tagged with the skill whose curriculum drew it. */
export interface SkillProblem extends GeneratedProblem {
  /** The curriculum it belongs to. */
  readonly skill: Skill;
}

/** Knobs of the curricula. */
export interface SkillOptions {
  /** Facts stated after the needed ones in a memory-integration problem (1 to 20; default 6). */
  readonly distractors?: number;
}

/** One drawn problem with the template and difficulty it came from. */
export interface SkillDraw {
  /** The problem before rendering. */
  readonly draft: DraftProblem;
  /** Template name, e.g. 'recall'. */
  readonly template: string;
  /** Difficulty it was drawn at. */
  readonly difficulty: number;
}

/** One entry of the skill registry: its name, what it trains, and how it draws one problem. */
export interface SkillCurriculum {
  /** The skill it trains. */
  readonly name: Skill;
  /** Where the skill comes from (the paper or plan it follows). */
  readonly reference: string;
  /** Draws one problem from `rng` (the draw's own forked stream). */
  draw(rng: Rng, options: Required<SkillOptions>): SkillDraw;
}

function fromTemplates(rng: Rng, difficulty: number): SkillDraw {
  const template = rng.pick(PROBLEM_TEMPLATES);
  return { draft: template.build(new TemplateContext(rng, difficulty)), template: template.name, difficulty };
}

/** The registry of skill curricula, in {@link SKILLS} order. */
export const SKILL_CURRICULA: readonly SkillCurriculum[] = [
  {
    name: 'reasoning',
    reference: 'multi-step word problems (GSM8K, Cobbe et al. 2021): three or more calculator steps',
    draw: (rng) => fromTemplates(rng, 3),
  },
  {
    name: 'memory-integration',
    reference: 'long-context recall (Titans, Behrouz et al. 2024: needle-style retrieval behind distractors)',
    draw: (rng, options) => {
      const difficulty = rng.int(1, 3);
      const ctx = new TemplateContext(rng, difficulty);
      return { draft: buildRecall(ctx, { distractors: options.distractors }), template: 'recall', difficulty };
    },
  },
  {
    name: 'adaptive-computation',
    reference: 'ACT (Graves 2016): very easy and very hard items mixed, so pondering should vary per item',
    draw: (rng) => fromTemplates(rng, rng.float() < 0.5 ? 1 : MAX_DIFFICULTY),
  },
];

/** Options of {@link generateSkillProblems}. */
export interface GenerateSkillOptions extends SkillOptions {
  /** Which curriculum. */
  readonly skill: Skill;
  /** How many distinct problems (a non-negative integer). */
  readonly count: number;
  /** Integer seed; a larger count with the same seed extends the list without changing its start. */
  readonly seed: number;
}

const ATTEMPTS_PER_PROBLEM = 20;

function checkedOptions(options: GenerateSkillOptions): Required<SkillOptions> {
  const { count, seed, skill, distractors = 6 } = options;
  if (!SKILLS.includes(skill)) throw new ForgeError(`unknown skill '${String(skill)}'`, { field: 'skill' });
  if (!Number.isInteger(count) || count < 0)
    throw new ForgeError(`must be a non-negative integer, got ${count}`, { field: 'count' });
  if (!Number.isInteger(seed)) throw new ForgeError(`must be an integer, got ${seed}`, { field: 'seed' });
  if (!Number.isInteger(distractors) || distractors < 1 || distractors > PEOPLE.length - 4)
    throw new ForgeError(`must be an integer from 1 to ${PEOPLE.length - 4}, got ${distractors}`, {
      field: 'distractors',
    });
  return { distractors };
}

/**
 * An endless stream of one skill's distinct problems, seeded: draw i comes from its own forked
 * stream, so every consumer of the same seed sees the same sequence. Throws when it cannot find a
 * new distinct problem in 20 × (problems so far + 1) draws.
 */
export function* skillProblemStream(options: Omit<GenerateSkillOptions, 'count'>): Generator<SkillProblem> {
  const settings = checkedOptions({ ...options, count: 0 });
  const curriculum = SKILL_CURRICULA.find((entry) => entry.name === options.skill) as SkillCurriculum;
  const root = Rng.fromSeed(options.seed);
  const seen = new Set<string>();
  for (let attempt = 0; ; attempt++) {
    if (attempt >= (seen.size + 1) * ATTEMPTS_PER_PROBLEM)
      throw new ForgeError(`cannot find more than ${seen.size} distinct ${options.skill} problems`, { field: 'count' });
    const { draft, template, difficulty } = curriculum.draw(root.fork(`skill-${options.skill}-${attempt}`), settings);
    if (seen.has(draft.question)) continue;
    seen.add(draft.question);
    yield { ...renderDraft(draft), template, difficulty, skill: options.skill };
  }
}

/** The first `count` problems of {@link skillProblemStream}: a larger count extends the list without changing its start. */
export function generateSkillProblems(options: GenerateSkillOptions): SkillProblem[] {
  checkedOptions(options);
  const problems: SkillProblem[] = [];
  if (options.count === 0) return problems;
  for (const problem of skillProblemStream(options)) {
    problems.push(problem);
    if (problems.length === options.count) break;
  }
  return problems;
}
