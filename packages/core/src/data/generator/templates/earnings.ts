import { calc } from '../calc.js';
import type { DraftProblem, ProblemTemplate, TemplateContext } from '../template.js';
import { capitalize, PURCHASES } from '../vocabulary.js';

/** Hourly pay; then pay over two days; then what is left after a purchase. */
export const earnings: ProblemTemplate = {
  name: 'earnings',
  build(ctx: TemplateContext): DraftProblem {
    const worker = ctx.person(0);
    const He = capitalize(worker.subject);
    const wage = ctx.price();
    const pay = `${worker.name} earns $${wage} per hour.`;
    if (ctx.level === 1) {
      const hours = ctx.factor();
      const earned = calc('*', wage, hours);
      return {
        question: `${pay} ${He} works for ${hours} hours. How much money does ${worker.subject} earn?`,
        lines: [`${worker.name} earns ${earned.text} dollars.`],
        answer: earned.value,
      };
    }
    const monday = ctx.factor();
    const tuesday = ctx.factor();
    const hours = calc('+', monday, tuesday);
    const earned = calc('*', hours.value, wage);
    const worked = `${He} works ${monday} hours on Monday and ${tuesday} hours on Tuesday.`;
    const lines = [`${worker.name} works ${hours.text} hours.`, `${He} earns ${earned.text} dollars.`];
    if (ctx.level === 2) {
      return { question: `${pay} ${worked} How much money does ${worker.subject} earn?`, lines, answer: earned.value };
    }
    const purchase = ctx.pick(PURCHASES);
    const cost = ctx.rng.int(1, earned.value - 1);
    const left = calc('-', earned.value, cost);
    return {
      question: `${pay} ${worked} Then ${worker.subject} buys ${purchase} for $${cost}. How much money does ${worker.subject} have left?`,
      lines: [...lines, `${He} has ${left.text} dollars left.`],
      answer: left.value,
    };
  },
};
