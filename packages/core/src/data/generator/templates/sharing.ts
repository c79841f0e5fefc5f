import { calc } from '../calc.js';
import type { DraftProblem, ProblemTemplate, TemplateContext } from '../template.js';
import { capitalize, COLLECTIBLES } from '../vocabulary.js';

/** Equal sharing (exact division); then keeping some first; then buying boxes first. */
export const sharing: ProblemTemplate = {
  name: 'sharing',
  build(ctx: TemplateContext): DraftProblem {
    const owner = ctx.person(0);
    const He = capitalize(owner.subject);
    const items = ctx.pick(COLLECTIBLES);
    const friends = ctx.factor();
    const askEach = `How many ${items} does each friend get?`;
    if (ctx.level === 1) {
      const total = friends * ctx.count(2);
      const each = calc('/', total, friends);
      return {
        question: `${owner.name} has ${total} ${items}. ${He} shares them equally among ${friends} friends. ${askEach}`,
        lines: [`Each friend gets ${each.text} ${items}.`],
        answer: each.value,
      };
    }
    if (ctx.level === 2) {
      const kept = ctx.count(1);
      const total = friends * ctx.count(2) + kept;
      const rest = calc('-', total, kept);
      const each = calc('/', rest.value, friends);
      return {
        question: `${owner.name} has ${total} ${items}. ${He} keeps ${kept} and shares the rest equally among ${friends} friends. ${askEach}`,
        lines: [`${owner.name} shares ${rest.text} ${items}.`, `Each friend gets ${each.text} ${items}.`],
        answer: each.value,
      };
    }
    const boxes = ctx.factor();
    const perBox = ctx.count(2 * friends);
    const total = calc('*', boxes, perBox);
    // Keep the remainder plus some whole shares (never 0 in all): the rest divides exactly and
    // leaves each friend at least 2 (total ≥ 4 shares since perBox ≥ 2 × friends and boxes ≥ 2).
    const remainder = total.value % friends;
    const kept = remainder + friends * ctx.rng.int(remainder === 0 ? 1 : 0, Math.floor(total.value / friends) - 2);
    const rest = calc('-', total.value, kept);
    const each = calc('/', rest.value, friends);
    return {
      question:
        `${owner.name} buys ${boxes} boxes of ${items} with ${perBox} ${items} in each box. ` +
        `${He} keeps ${kept} and shares the rest equally among ${friends} friends. ${askEach}`,
      lines: [
        `${owner.name} has ${total.text} ${items}.`,
        `${owner.name} shares ${rest.text} ${items}.`,
        `Each friend gets ${each.text} ${items}.`,
      ],
      answer: each.value,
    };
  },
};
