import { calc } from '../calc.js';
import type { DraftProblem, ProblemTemplate, TemplateContext } from '../template.js';
import { capitalize, COLLECTIBLES } from '../vocabulary.js';

/** Gaining or losing items; then both in turn; then starting from full bags. */
export const collection: ProblemTemplate = {
  name: 'collection',
  build(ctx: TemplateContext): DraftProblem {
    const owner = ctx.person(0);
    const friend = ctx.person(1);
    const He = capitalize(owner.subject);
    const items = ctx.pick(COLLECTIBLES);
    const ask = `How many ${items} does ${owner.name} have now?`;
    if (ctx.level === 1) {
      const start = ctx.count(3);
      if (ctx.rng.int(0, 1) === 0) {
        const found = ctx.count(2);
        const now = calc('+', start, found);
        return {
          question: `${owner.name} has ${start} ${items}. ${He} finds ${found} more. ${ask}`,
          lines: [`${owner.name} has ${now.text} ${items} now.`],
          answer: now.value,
        };
      }
      const given = ctx.rng.int(2, start - 1);
      const now = calc('-', start, given);
      return {
        question: `${owner.name} has ${start} ${items}. ${He} gives ${given} to ${friend.name}. ${ask}`,
        lines: [`${owner.name} has ${now.text} ${items} now.`],
        answer: now.value,
      };
    }
    let startText: string;
    let start: number;
    const lines: string[] = [];
    if (ctx.level === 2) {
      start = ctx.count(3);
      startText = `${owner.name} has ${start} ${items}.`;
    } else {
      const bags = ctx.factor();
      const perBag = ctx.count(2);
      const total = calc('*', bags, perBag);
      start = total.value;
      startText = `${owner.name} has ${bags} bags with ${perBag} ${items} in each bag.`;
      lines.push(`${owner.name} has ${total.text} ${items}.`);
    }
    const given = ctx.rng.int(2, start - 1);
    const found = ctx.count(2);
    const afterGiving = calc('-', start, given);
    const now = calc('+', afterGiving.value, found);
    lines.push(
      `After giving some away ${owner.subject} has ${afterGiving.text} ${items}.`,
      `Then ${owner.subject} has ${now.text} ${items}.`,
    );
    return {
      question: `${startText} ${He} gives ${given} ${items} to ${friend.name}. Then ${owner.subject} finds ${found} more. ${ask}`,
      lines,
      answer: now.value,
    };
  },
};
