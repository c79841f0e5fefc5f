import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import { formatProblem, generateProblems, splitByHash, trainBpe } from '../../src/data/index.js';

const keys = Array.from({ length: 1000 }, (_, i) => `example number ${i}`);
const identity = (s: string): string => s;

describe('splitByHash', () => {
  it('puts round(fraction × n) items in validation, disjoint from train, order kept', () => {
    const { train, validation } = splitByHash(keys, identity, { validationFraction: 0.1 });
    expect(validation).toHaveLength(100);
    expect(train).toHaveLength(900);
    expect(new Set([...train, ...validation]).size).toBe(1000);
    const position = new Map(keys.map((k, i) => [k, i]));
    const increasing = (xs: string[]): boolean =>
      xs.every((x, i) => i === 0 || (position.get(x) as number) > (position.get(xs[i - 1] as string) as number));
    expect(increasing(train) && increasing(validation)).toBe(true);
  });

  it('is the same across runs and independent of input order; the seed changes it', () => {
    const a = splitByHash(keys, identity, { validationFraction: 0.2, seed: 7 });
    const reversed = splitByHash([...keys].reverse(), identity, { validationFraction: 0.2, seed: 7 });
    expect(new Set(reversed.validation)).toEqual(new Set(a.validation));
    const again = splitByHash(keys, identity, { validationFraction: 0.2, seed: 7 });
    expect(again).toEqual(a);
    const otherSeed = splitByHash(keys, identity, { validationFraction: 0.2, seed: 8 });
    expect(new Set(otherSeed.validation)).not.toEqual(new Set(a.validation));
  });

  it('does not simply take the first or last items', () => {
    const { validation } = splitByHash(keys, identity, { validationFraction: 0.1 });
    const indices = validation.map((k) => keys.indexOf(k));
    expect(Math.min(...indices)).toBeLessThan(200);
    expect(Math.max(...indices)).toBeGreaterThan(800);
  });

  it('keeps at least one item on each side for tiny inputs, and handles fraction 0', () => {
    expect(splitByHash(['a', 'b'], identity, { validationFraction: 0.01 }).validation).toHaveLength(1);
    expect(splitByHash(['a', 'b'], identity, { validationFraction: 0.99 }).train).toHaveLength(1);
    expect(splitByHash(['a', 'b', 'c'], identity, { validationFraction: 0 }).validation).toEqual([]);
    expect(splitByHash([], identity, { validationFraction: 0.5 })).toEqual({ train: [], validation: [] });
  });

  it('rejects a fraction outside [0, 1)', () => {
    expect(() => splitByHash(keys, identity, { validationFraction: 1 })).toThrow(ForgeError);
    expect(() => splitByHash(keys, identity, { validationFraction: -0.1 })).toThrow(/validationFraction/);
    expect(() => splitByHash(keys, identity, { validationFraction: Number.NaN })).toThrow(ForgeError);
  });
});

describe('formatProblem', () => {
  const problem = { question: 'Mia has 3 apples. How many?', answer: 'She has 3.\n#### 3', finalAnswer: '3' };

  it('lays out Question/Answer with the #### line, and prompt + completion = text', () => {
    const f = formatProblem(problem);
    expect(f.text).toBe('Question: Mia has 3 apples. How many?\nAnswer: She has 3.\n#### 3');
    expect(f.prompt).toBe('Question: Mia has 3 apples. How many?\nAnswer:');
    expect(f.prompt + f.completion).toBe(f.text);
  });

  it('tokenizes the prompt as an exact prefix of the training text', () => {
    const problems = generateProblems({ count: 200, seed: 3, difficulty: 2 });
    const tokenizer = trainBpe(
      problems.map((p) => formatProblem(p).text),
      { vocabSize: 600 },
    );
    for (const p of [...problems.slice(0, 50), { ...problem, answer: '3 apples\n#### 3' }]) {
      const f = formatProblem(p);
      const promptIds = tokenizer.encode(f.prompt);
      const textIds = tokenizer.encode(f.text);
      expect(textIds.slice(0, promptIds.length)).toEqual(promptIds);
    }
  });
});
