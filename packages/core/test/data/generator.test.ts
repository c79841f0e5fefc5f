import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import {
  MAX_DIFFICULTY,
  PROBLEM_TEMPLATES,
  generateProblemMix,
  generateProblems,
  type GeneratedProblem,
} from '../../src/data/index.js';

/** Evaluates "a+b*c" style integer expressions with the usual precedence (independent of calc.ts). */
function evaluate(expression: string): number {
  const sums = expression.split(/(?=[+-])|(?<=[+-])/);
  let total = 0;
  let sign = 1;
  for (const part of sums) {
    if (part === '+') sign = 1;
    else if (part === '-') sign = -1;
    else {
      const factors = part.split(/([*/])/);
      let value = Number(factors[0]);
      for (let i = 1; i < factors.length; i += 2) {
        const operand = Number(factors[i + 1]);
        value = factors[i] === '*' ? value * operand : value / operand;
      }
      total += sign * value;
    }
  }
  return total;
}

interface Annotation {
  expression: string;
  result: number;
  operands: number[];
}

function annotationsOf(answer: string): Annotation[] {
  return [...answer.matchAll(/(\S+) = <<([^=>]+)=([^>]+)>>(\S+)/g)].map((m) => {
    const [, shown, expression, result, after] = m as unknown as [string, string, string, string, string];
    // The visible working must match the annotation, and the number after it must be the result.
    expect(shown).toBe(expression);
    expect(after.startsWith(result)).toBe(true);
    return { expression, result: Number(result), operands: expression.split(/[+\-*/]/).map(Number) };
  });
}

const numbersIn = (text: string): number[] => [...text.matchAll(/\d+/g)].map((m) => Number(m[0]));

function checkProblem(p: GeneratedProblem): Annotation[] {
  const annotations = annotationsOf(p.answer);
  expect(annotations.length, p.answer).toBeGreaterThan(0);
  const known = new Set(numbersIn(p.question));
  for (const a of annotations) {
    expect(evaluate(a.expression), a.expression).toBe(a.result);
    expect(Number.isInteger(a.result) && a.result >= 0, a.expression).toBe(true);
    // Grounded: each operand was stated in the question or computed by an earlier step.
    for (const operand of a.operands) expect(known.has(operand), `${operand} in ${p.question}\n${p.answer}`).toBe(true);
    known.add(a.result);
  }
  const last = annotations[annotations.length - 1] as Annotation;
  expect(p.finalAnswer).toBe(String(last.result));
  expect(p.answer.endsWith(`\n#### ${p.finalAnswer}`)).toBe(true);
  expect(p.finalAnswer).toMatch(/^\d+$/);
  return annotations;
}

/** Independent solvers: read the numbers back out of the question and work the answer out. */
const solvers: Record<string, (q: string) => number | undefined> = {
  shopping: (q) => {
    const m = q.match(
      /buys (\d+) \w+ for \$(\d+) each\. \w+ also buys (\d+) \w+ for \$(\d+) each\. \w+ pays with \$(\d+)\./,
    );
    if (!m) return undefined;
    const [a, p, b, r, bill] = m.slice(1).map(Number) as [number, number, number, number, number];
    return bill - (a * p + b * r);
  },
  sharing: (q) => {
    const m = q.match(
      /buys (\d+) boxes of \w+ with (\d+) \w+ in each box\. \w+ keeps (\d+) and shares the rest equally among (\d+) friends/,
    );
    if (!m) return undefined;
    const [boxes, per, kept, friends] = m.slice(1).map(Number) as [number, number, number, number];
    return (boxes * per - kept) / friends;
  },
  rates: (q) => {
    const m = q.match(
      /(?:has |costs \$)(\d+)(?: pages)?\. \w+ (?:reads|saves) \$?(\d+)(?: pages)? every \w+ for (\d+) \w+\. Then \w+ (?:reads|saves) \$?(\d+)/,
    );
    if (!m) return undefined;
    const [size, rate, periods, later] = m.slice(1).map(Number) as [number, number, number, number];
    return (size - rate * periods) / later;
  },
  ages: (q) => {
    const m = q.match(/is (\d+) years old\. \w+ is (\d+) times as old as \w+\. \w+ is (\d+) years younger/);
    if (!m) return undefined;
    const [a, times, younger] = m.slice(1).map(Number) as [number, number, number];
    return a + a * times + (a * times - younger);
  },
};

describe('built-in problem generator', () => {
  it('is deterministic per seed, differs across seeds, and extends without changing its prefix', () => {
    const a = generateProblems({ count: 50, seed: 3, difficulty: 2 });
    expect(generateProblems({ count: 50, seed: 3, difficulty: 2 })).toEqual(a);
    expect(generateProblems({ count: 80, seed: 3, difficulty: 2 }).slice(0, 50)).toEqual(a);
    const other = generateProblems({ count: 50, seed: 4, difficulty: 2 });
    expect(other.map((p) => p.question)).not.toEqual(a.map((p) => p.question));
  });

  it.each(Array.from({ length: MAX_DIFFICULTY }, (_, i) => i + 1))(
    'gives correct, grounded, non-negative integer answers at difficulty %i',
    (difficulty) => {
      const problems = generateProblems({ count: 300, seed: 100 + difficulty, difficulty });
      expect(problems).toHaveLength(300);
      for (const p of problems) {
        const steps = checkProblem(p).length;
        if (difficulty === 1) expect(steps, p.answer).toBe(1);
        else if (difficulty === 2) expect([2, 3], p.answer).toContain(steps);
        else expect(steps, p.answer).toBeGreaterThanOrEqual(3);
        expect(p.difficulty).toBe(difficulty);
      }
    },
  );

  it('takes more steps at difficulty 3 than at 2 in every template', () => {
    const meanSteps = (difficulty: number): Map<string, number> => {
      const sums = new Map<string, number[]>();
      for (const p of generateProblems({ count: 400, seed: 8, difficulty })) {
        sums.set(p.template, [...(sums.get(p.template) ?? []), annotationsOf(p.answer).length]);
      }
      return new Map([...sums].map(([t, xs]) => [t, xs.reduce((a, b) => a + b, 0) / xs.length]));
    };
    const two = meanSteps(2);
    const three = meanSteps(3);
    for (const template of PROBLEM_TEMPLATES) {
      expect(three.get(template.name), template.name).toBeGreaterThan(two.get(template.name) as number);
    }
  });

  it('agrees with independent solvers that read the question', () => {
    const problems = generateProblems({ count: 600, seed: 9, difficulty: 3 });
    const checked = new Map<string, number>();
    for (const p of problems) {
      const solve = solvers[p.template];
      if (!solve) continue;
      const expected = solve(p.question);
      expect(expected, `solver for ${p.template} failed to parse: ${p.question}`).toBeDefined();
      expect(String(expected), p.question).toBe(p.finalAnswer);
      checked.set(p.template, (checked.get(p.template) ?? 0) + 1);
    }
    expect([...checked.keys()].sort()).toEqual(Object.keys(solvers).sort());
  });

  it('uses every template, many names, and never repeats a question', () => {
    const problems = generateProblems({ count: 1000, seed: 1, difficulty: 1 });
    expect(new Set(problems.map((p) => p.template))).toEqual(new Set(PROBLEM_TEMPLATES.map((t) => t.name)));
    expect(new Set(problems.map((p) => p.question)).size).toBe(1000);
    const firstWords = new Set(problems.map((p) => p.question.split(' ')[0]));
    expect(firstWords.size).toBeGreaterThan(15);
  });

  it('keeps a small, closed word vocabulary a tiny model can learn', () => {
    const problems = generateProblems({ count: 3000, seed: 2, difficulty: 3 });
    const words = new Set(problems.flatMap((p) => `${p.question} ${p.answer}`.match(/[A-Za-z]+/g) ?? []));
    expect(words.size).toBeLessThan(250);
    expect(words.size).toBeGreaterThan(80);
  });

  it('grows numbers with difficulty', () => {
    const largest = (difficulty: number): number =>
      Math.max(...generateProblems({ count: 300, seed: 5, difficulty }).flatMap((p) => numbersIn(p.question)));
    expect(largest(1)).toBeLessThan(largest(3));
    expect(largest(3)).toBeLessThan(largest(5));
  });

  it('rejects bad options with a ForgeError naming the field', () => {
    expect(() => generateProblems({ count: 5, seed: 1, difficulty: 0 })).toThrow(ForgeError);
    expect(() => generateProblems({ count: 5, seed: 1, difficulty: MAX_DIFFICULTY + 1 })).toThrow(/difficulty/);
    expect(() => generateProblems({ count: -1, seed: 1, difficulty: 1 })).toThrow(/count/);
    expect(() => generateProblems({ count: 5, seed: 0.5, difficulty: 1 })).toThrow(/seed/);
    expect(generateProblems({ count: 0, seed: 1, difficulty: 1 })).toEqual([]);
  });
});

describe('generateProblemMix', () => {
  it('mixes the difficulties in equal shares, one of each in turn, and extends without changing its prefix', () => {
    const mix = generateProblemMix({ count: 31, seed: 3, difficulties: [1, 2, 3] });
    expect(mix.map((p) => p.difficulty).slice(0, 6)).toEqual([1, 2, 3, 1, 2, 3]);
    const counts = [1, 2, 3].map((d) => mix.filter((p) => p.difficulty === d).length);
    expect(counts).toEqual([11, 10, 10]);
    // Each difficulty's share is that difficulty's own list, so the mix holds the same problems.
    expect(mix.filter((p) => p.difficulty === 3)).toEqual(generateProblems({ count: 10, seed: 3, difficulty: 3 }));
    expect(generateProblemMix({ count: 60, seed: 3, difficulties: [1, 2, 3] }).slice(0, 31)).toEqual(mix);
  });

  it('refuses an empty list and a difficulty named twice', () => {
    expect(() => generateProblemMix({ count: 4, seed: 1, difficulties: [] })).toThrow(ForgeError);
    expect(() => generateProblemMix({ count: 4, seed: 1, difficulties: [2, 2] })).toThrow(/twice/);
  });
});
