import { calc } from '../calc.js';
import type { DraftProblem, ProblemTemplate, TemplateContext } from '../template.js';
import { capitalize, GOODS } from '../vocabulary.js';

/** Buying items at a unit price; then a second item; then change from a bill. */
export const shopping: ProblemTemplate = {
  name: 'shopping',
  build(ctx: TemplateContext): DraftProblem {
    const buyer = ctx.person(0);
    const He = capitalize(buyer.subject);
    const [itemA, itemB] = ctx.rng.shuffle(GOODS) as [string, string];
    const countA = ctx.count();
    const priceA = ctx.price();
    const costA = calc('*', countA, priceA);
    let question = `${buyer.name} buys ${countA} ${itemA} for $${priceA} each.`;
    if (ctx.level === 1) {
      return {
        question: `${question} How much money does ${buyer.subject} spend?`,
        lines: [`${buyer.name} spends ${costA.text} dollars.`],
        answer: costA.value,
      };
    }
    const countB = ctx.count();
    const priceB = ctx.price();
    const costB = calc('*', countB, priceB);
    const total = calc('+', costA.value, costB.value);
    question += ` ${He} also buys ${countB} ${itemB} for $${priceB} each.`;
    const lines = [
      `The ${itemA} cost ${costA.text} dollars.`,
      `The ${itemB} cost ${costB.text} dollars.`,
      `${buyer.name} spends ${total.text} dollars in total.`,
    ];
    if (ctx.level === 2) {
      return {
        question: `${question} How much money does ${buyer.subject} spend in total?`,
        lines,
        answer: total.value,
      };
    }
    // A round bill strictly above the total, as a shopper would hand over.
    const bill = (Math.floor(total.value / 10) + 1 + ctx.rng.int(0, 2)) * 10;
    const change = calc('-', bill, total.value);
    return {
      question: `${question} ${He} pays with $${bill}. How much change does ${buyer.subject} get?`,
      lines: [...lines, `${buyer.name} gets ${change.text} dollars in change.`],
      answer: change.value,
    };
  },
};
