import { describe, expect, it } from 'vitest';
import {
  SKILLS,
  assertDisjointSkillSets,
  generateSkillProblems,
  mixSkills,
  skillSetOf,
  skillSets,
  type SkillProblem,
} from '../../src/data/index.js';

const steps = (problem: SkillProblem): number => problem.answer.split('\n').length - 1;
const sizes = { train: 30, search: 6, test: 6 };

describe('skill curricula', () => {
  it('are seeded: the same seed gives the same problems, another seed others', () => {
    for (const skill of SKILLS) {
      const a = generateSkillProblems({ skill, count: 12, seed: 5 });
      expect(generateSkillProblems({ skill, count: 12, seed: 5 })).toEqual(a);
      expect(generateSkillProblems({ skill, count: 20, seed: 5 }).slice(0, 12)).toEqual(a);
      expect(generateSkillProblems({ skill, count: 12, seed: 6 })).not.toEqual(a);
    }
  });

  it("give each specialist data the others' curricula do not hold", () => {
    const [reasoning, memory, adaptive] = SKILLS.map((skill) => generateSkillProblems({ skill, count: 60, seed: 1 }));
    // Reasoning: every item takes three or more calculator steps, and none is a recall item.
    expect(reasoning?.every((p) => steps(p) >= 3 && p.template !== 'recall')).toBe(true);
    // Memory: only recall items, the asked facts stated before every distractor.
    expect(memory?.every((p) => p.template === 'recall')).toBe(true);
    // Adaptive: only the easiest (one step) and hardest difficulties, both present.
    expect(new Set(adaptive?.map((p) => p.difficulty))).toEqual(new Set([1, 5]));
    expect(adaptive?.some((p) => steps(p) === 1)).toBe(true);
    expect(reasoning?.some((p) => steps(p) === 1)).toBe(false);
    const questions = [reasoning, memory, adaptive].map((set) => new Set(set?.map((p) => p.question)));
    for (const [i, a] of questions.entries())
      for (const b of questions.slice(i + 1)) expect([...a].filter((q) => b.has(q))).toEqual([]);
  });

  it('put the facts a recall question needs behind the distractors', () => {
    for (const problem of generateSkillProblems({ skill: 'memory-integration', count: 30, seed: 2, distractors: 5 })) {
      const facts = problem.question.split('. ').filter((sentence) => / has \d+ /.test(sentence));
      const needed = problem.difficulty === 1 ? 1 : 2;
      expect(facts.length).toBe(needed + 5);
      const answerFact = (problem.answer.split('\n')[0] ?? '').split(' and ')[0]?.replace(/\.$/, '') ?? '';
      expect(facts[0]?.startsWith(answerFact)).toBe(true);
      expect(Number(problem.finalAnswer)).toBeGreaterThan(0);
    }
  });

  it('reject bad options naming the field', () => {
    expect(() => generateSkillProblems({ skill: 'reasoning', count: -1, seed: 1 })).toThrow(/count/);
    expect(() => generateSkillProblems({ skill: 'memory-integration', count: 1, seed: 1, distractors: 0 })).toThrow(
      /distractors/,
    );
    expect(() => generateSkillProblems({ skill: 'juggling' as never, count: 1, seed: 1 })).toThrow(/skill/);
  });
});

describe('skill sets', () => {
  it('keep the test and search sets out of every curriculum and apart from each other', () => {
    const sets = skillSets({ seed: 3, sizes });
    const questions = (bySkill: typeof sets.test): string[] => mixSkills(bySkill).map((p) => p.question);
    const test = new Set(questions(sets.test));
    const search = new Set(questions(sets.search));
    expect(test.size).toBe(3 * sizes.test);
    expect(search.size).toBe(3 * sizes.search);
    expect([...search].filter((q) => test.has(q))).toEqual([]);
    expect(questions(sets.train).filter((q) => test.has(q) || search.has(q))).toEqual([]);
    for (const skill of SKILLS) expect(sets.train[skill].every((p) => p.skill === skill)).toBe(true);
  });

  it('hold the held-out sets still when the curricula grow, and never train on another size’s held-out items', () => {
    const small = skillSets({ seed: 3, sizes });
    const large = skillSets({ seed: 3, sizes: { train: 90, search: 2, test: 12 } });
    for (const skill of SKILLS) {
      expect(large.test[skill].slice(0, sizes.test)).toEqual(small.test[skill]);
      expect(large.search[skill]).toEqual(small.search[skill].slice(0, 2));
    }
    // Cognate and evomerge ask for different sizes: membership must not depend on them.
    const heldOut = new Set([...mixSkills(small.test), ...mixSkills(small.search)].map((p) => p.question));
    expect(mixSkills(large.train).filter((p) => heldOut.has(p.question))).toEqual([]);
    expect(mixSkills(small.test).every((p) => skillSetOf(p.question, 3) === 'test')).toBe(true);
  });

  it('mix the skills evenly and refuse sets where a held-out question leaked', () => {
    const sets = skillSets({ seed: 4, sizes });
    expect(
      mixSkills(sets.search)
        .slice(0, 3)
        .map((p) => p.skill),
    ).toEqual([...SKILLS]);
    const leaked = sets.test.reasoning[0] as SkillProblem;
    const intoSearch = { ...sets, search: { ...sets.search, reasoning: [...sets.search.reasoning, leaked] } };
    expect(() => assertDisjointSkillSets(intoSearch)).toThrow(/search/);
    const intoTrain = { ...sets, train: { ...sets.train, adaptive: [], 'memory-integration': [leaked] } };
    expect(() => assertDisjointSkillSets(intoTrain as typeof sets)).toThrow(/train/);
  });
});
