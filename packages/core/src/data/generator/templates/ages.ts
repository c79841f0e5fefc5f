import { calc } from '../calc.js';
import type { DraftProblem, ProblemTemplate, TemplateContext } from '../template.js';

/**
 * Age differences; then ages in the future; then multiples and a sum of three ages. Ages stay
 * human-sized at every difficulty, so this template gets harder only in steps.
 */
export const ages: ProblemTemplate = {
  name: 'ages',
  build(ctx: TemplateContext): DraftProblem {
    const a = ctx.person(0);
    const b = ctx.person(1);
    const ageA = ctx.rng.int(2, ctx.level === 3 ? 15 : 40);
    if (ctx.level < 3) {
      const gap = ctx.rng.int(2, 30);
      const ageB = calc('+', ageA, gap);
      const facts = `${a.name} is ${ageA} years old. ${b.name} is ${gap} years older than ${a.name}.`;
      const lineB = `${b.name} is ${ageB.text} years old.`;
      if (ctx.level === 1) {
        return { question: `${facts} How old is ${b.name}?`, lines: [lineB], answer: ageB.value };
      }
      const years = ctx.rng.int(2, 20);
      const later = calc('+', ageB.value, years);
      return {
        question: `${facts} How old will ${b.name} be in ${years} years?`,
        lines: [lineB, `In ${years} years ${b.name} will be ${later.text} years old.`],
        answer: later.value,
      };
    }
    const c = ctx.person(2);
    const times = ctx.rng.int(2, 5);
    const ageB = calc('*', ageA, times);
    const younger = ctx.rng.int(2, ageB.value - 1);
    const ageC = calc('-', ageB.value, younger);
    const sum = calc('+', ageA, ageB.value, ageC.value);
    return {
      question:
        `${a.name} is ${ageA} years old. ${b.name} is ${times} times as old as ${a.name}. ` +
        `${c.name} is ${younger} years younger than ${b.name}. What is the sum of their ages?`,
      lines: [
        `${b.name} is ${ageB.text} years old.`,
        `${c.name} is ${ageC.text} years old.`,
        `The sum of their ages is ${sum.text}.`,
      ],
      answer: sum.value,
    };
  },
};
