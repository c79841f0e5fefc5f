import { describe, expect, it } from 'vitest';
import { SKILLS, formatProblem, mixSkills, skillSets, trainBpe } from '@agent-forge/core';
import { EvomergePhaseConfigSchema, prepareSkillData } from '../src/index.js';

const CONFIG = EvomergePhaseConfigSchema.parse({ searchProblems: 6, testProblems: 6, recallDistractors: 2 });
const CONTEXT = 48;

describe('the fitness data', () => {
  it('is the mixed-skill search set: no held-out test question or curriculum problem ever enters the search', () => {
    const sets = skillSets({ seed: 5, distractors: 2, sizes: { train: 40, search: 6, test: 6 } });
    const tokenizer = trainBpe(
      mixSkills(sets.train).map((p) => formatProblem(p).text),
      { vocabSize: 400 },
    );
    const data = prepareSkillData(CONFIG, { seed: 5 }, tokenizer, CONTEXT);
    // Windows overlap by one token (cols = context + 1): the stream is each row's first `context` tokens.
    const { windows, probes } = data.search;
    const rows = (tokens: Int32Array, count: number, cols: number, take: number): number[][] =>
      Array.from({ length: count }, (_, r) => [...tokens.subarray(r * cols, r * cols + take)]);
    const searched = [
      tokenizer.decode(rows(windows.tokens, windows.rows, windows.cols, CONTEXT).flat()),
      ...rows(probes.tokens, probes.rows, probes.cols, probes.cols).map((ids) => tokenizer.decode(ids)),
    ].join('\n');
    // What the search scores holds search-set questions of every skill…
    for (const skill of SKILLS) expect(sets.search[skill].some((p) => searched.includes(p.question))).toBe(true);
    // …and none of the held-out test questions, nor any training problem (its answer text included).
    for (const problem of [...mixSkills(sets.test), ...mixSkills(sets.train)])
      expect(searched.includes(problem.question), problem.question).toBe(false);
    // The report's test side is the test set, per skill.
    const test = data.skillTest?.['memory-integration'].windows;
    const tested = tokenizer.decode(
      rows(test?.tokens ?? new Int32Array(), test?.rows ?? 0, CONTEXT + 1, CONTEXT).flat(),
    );
    expect(sets.test['memory-integration'].some((p) => tested.includes(p.question))).toBe(true);
    expect(data.reportProblems.every((p) => mixSkills(sets.test).some((t) => t.question === p.question))).toBe(true);
  });

  it('refuses a data source that the skill sets would ignore', () => {
    expect(() =>
      EvomergePhaseConfigSchema.parse({ data: { kind: 'builtin', count: 10, seed: 1, difficulty: 1 } }),
    ).toThrow(/data is only read with fitnessData: 'data'/);
    expect(
      EvomergePhaseConfigSchema.parse({
        fitnessData: 'data',
        data: { kind: 'builtin', count: 10, seed: 1, difficulty: 1 },
      }).fitnessData,
    ).toBe('data');
  });
});
