import { calc } from '../calc.js';
import type { DraftProblem, ProblemTemplate, TemplateContext } from '../template.js';
import { capitalize, GROUPINGS } from '../vocabulary.js';

/** Equal groups (multiplication); then some taken away; then two kinds of groups combined. */
export const groups: ProblemTemplate = {
  name: 'groups',
  build(ctx: TemplateContext): DraftProblem {
    const { containers, items } = ctx.pick(GROUPINGS);
    const count = ctx.factor();
    const perGroup = ctx.count(2);
    const total = calc('*', count, perGroup);
    const facts = `There are ${count} ${containers} with ${perGroup} ${items} in each.`;
    const totalLine = `There are ${total.text} ${items}.`;
    if (ctx.level === 1) {
      return { question: `${facts} How many ${items} are there in all?`, lines: [totalLine], answer: total.value };
    }
    if (ctx.level === 2) {
      const taken = ctx.rng.int(2, total.value - 1);
      const left = calc('-', total.value, taken);
      return {
        question: `${facts} ${taken} ${items} are taken away. How many ${items} are left?`,
        lines: [totalLine, `${capitalize(items)} left: ${left.text}.`],
        answer: left.value,
      };
    }
    const moreCount = ctx.factor();
    const morePer = ctx.count(2);
    const more = calc('*', moreCount, morePer);
    const all = calc('+', total.value, more.value);
    const taken = ctx.rng.int(2, all.value - 1);
    const left = calc('-', all.value, taken);
    return {
      question:
        `There are ${count} ${containers} with ${perGroup} ${items} in each and ${moreCount} ${containers} with ${morePer} ${items} in each. ` +
        `${taken} ${items} are taken away. How many ${items} are left?`,
      lines: [
        `The first ${containers} hold ${total.text} ${items}.`,
        `The other ${containers} hold ${more.text} ${items}.`,
        `In all there are ${all.text} ${items}.`,
        `${capitalize(items)} left: ${left.text}.`,
      ],
      answer: left.value,
    };
  },
};
