import { calc } from '../calc.js';
import type { DraftProblem, ProblemTemplate, TemplateContext } from '../template.js';
import { COLLECTIBLES } from '../vocabulary.js';

/** "n times as many"; then the total of two people; then a third with fewer, all together. */
export const comparison: ProblemTemplate = {
  name: 'comparison',
  build(ctx: TemplateContext): DraftProblem {
    const a = ctx.person(0);
    const b = ctx.person(1);
    const items = ctx.pick(COLLECTIBLES);
    const countA = ctx.count(2);
    const times = ctx.factor();
    const countB = calc('*', countA, times);
    const facts = `${a.name} has ${countA} ${items}. ${b.name} has ${times} times as many ${items} as ${a.name}.`;
    const lineB = `${b.name} has ${countB.text} ${items}.`;
    if (ctx.level === 1) {
      return { question: `${facts} How many ${items} does ${b.name} have?`, lines: [lineB], answer: countB.value };
    }
    if (ctx.level === 2) {
      const both = calc('+', countA, countB.value);
      return {
        question: `${facts} How many ${items} do they have together?`,
        lines: [lineB, `Together they have ${both.text} ${items}.`],
        answer: both.value,
      };
    }
    const c = ctx.person(2);
    const fewer = ctx.rng.int(2, countB.value - 1);
    const countC = calc('-', countB.value, fewer);
    const all = calc('+', countA, countB.value, countC.value);
    return {
      question: `${facts} ${c.name} has ${fewer} fewer ${items} than ${b.name}. How many ${items} do the three of them have together?`,
      lines: [lineB, `${c.name} has ${countC.text} ${items}.`, `Together they have ${all.text} ${items}.`],
      answer: all.value,
    };
  },
};
