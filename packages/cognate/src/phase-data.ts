/**
 * The cognate phase's data: one dataset for the shared trunk, one tokenizer trained on its training split
 * and shared by all three models, and the built-in generator's skill curricula with their held-out sets.
 */
import { SKILLS, formatProblem, preparePhaseData, skillHeldOut, skillSets, trainBpe } from '@agent-forge/core';
import type { PhaseContext, PhaseData, Skill, SkillHeldOut } from '@agent-forge/core';
import type { CognatePhaseConfig } from './phase-config.js';

/** What the three cognate models share: tokenizer, trunk documents, held-out set, and each skill's curriculum and held-out set. */
export interface CognateData extends PhaseData {
  /** Tokenized curriculum problems per skill: what a specialist continues on after the trunk. */
  readonly curricula: Readonly<Record<Skill, Int32Array[]>>;
  /** Each skill's held-out test problems (never trained on, never searched on) as windows and answer probes. */
  readonly skillHeldOut: Readonly<Record<Skill, SkillHeldOut>>;
}

/**
 * Core's data path, with the tokenizer trained on the training split, plus the skill curricula. The BPE
 * training and the generator are deterministic, so a resumed phase rebuilds the very same data.
 */
export async function prepareCognateData(
  config: CognatePhaseConfig,
  ctx: PhaseContext,
  model: { vocabSize: number; contextLength: number },
): Promise<CognateData> {
  const base = await preparePhaseData(config, ctx, null, model.contextLength, {
    tokenizer: ({ train }) => trainBpe(train.texts(), { vocabSize: model.vocabSize }),
  });
  const sets = skillSets({
    seed: ctx.seed,
    distractors: config.recallDistractors,
    sizes: { train: config.curriculumProblems, search: 0, test: config.skillEvalProblems },
  });
  const encode = (text: string): Int32Array => Int32Array.from(base.tokenizer.encode(text));
  const entries = <T>(make: (skill: Skill) => T): Record<Skill, T> =>
    Object.fromEntries(SKILLS.map((skill) => [skill, make(skill)])) as Record<Skill, T>;
  return {
    ...base,
    curricula: entries((skill) => sets.train[skill].map((problem) => encode(formatProblem(problem).text))),
    skillHeldOut: entries((skill) =>
      skillHeldOut(sets.test[skill], base.tokenizer, model.contextLength, config.evalWindows),
    ),
  };
}
