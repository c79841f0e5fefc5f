import { calc } from '../calc.js';
import type { DraftProblem, ProblemTemplate, TemplateContext } from '../template.js';
import { capitalize, PURCHASES, type Person } from '../vocabulary.js';

/** Wording for a steady rate: reading a book page by page, or saving up week by week. */
interface Activity {
  /** "reads" / "saves" */
  readonly verb: string;
  /** "read" / "save" */
  readonly verbBase: string;
  /** "12 pages" / "$12" */
  readonly amount: (n: number) => string;
  readonly unit: string;
  readonly period: string;
  readonly goal: (size: number) => string;
  readonly finish: string;
}

function activities(person: Person, purchase: string): Activity[] {
  return [
    {
      verb: 'reads',
      verbBase: 'read',
      amount: (n) => `${n} pages`,
      unit: 'pages',
      period: 'day',
      goal: (n) => `A book has ${n} pages.`,
      finish: 'finish the book',
    },
    {
      verb: 'saves',
      verbBase: 'save',
      amount: (n) => `$${n}`,
      unit: 'dollars',
      period: 'week',
      goal: (n) => `${person.name} wants to buy ${purchase} that costs $${n}.`,
      finish: `buy ${purchase.replace(/^an? /, 'the ')}`,
    },
  ];
}

/** Rate × time; then what is left of a goal; then how long the rest takes at a new rate. */
export const rates: ProblemTemplate = {
  name: 'rates',
  build(ctx: TemplateContext): DraftProblem {
    const person = ctx.person(0);
    const act = ctx.pick(activities(person, ctx.pick(PURCHASES)));
    const rate = ctx.price();
    const periods = ctx.factor();
    const done = calc('*', rate, periods);
    const doneLine = `${person.name} ${act.verb} ${done.text} ${act.unit} in ${periods} ${act.period}s.`;
    const habit = `${person.name} ${act.verb} ${act.amount(rate)} every ${act.period}`;
    if (ctx.level === 1) {
      const ask = `How many ${act.unit} does ${person.subject} ${act.verbBase} in ${periods} ${act.period}s?`;
      return { question: `${habit}. ${ask}`, lines: [doneLine], answer: done.value };
    }
    const laterRate = ctx.price();
    const size = done.value + (ctx.level === 2 ? ctx.count(2) : laterRate * ctx.factor());
    const left = calc('-', size, done.value);
    const intro = `${act.goal(size)} ${habit} for ${periods} ${act.period}s.`;
    const leftLine = `${person.name} still needs ${left.text} ${act.unit}.`;
    if (ctx.level === 2) {
      const ask = `How many more ${act.unit} does ${person.subject} need to ${act.finish}?`;
      return { question: `${intro} ${ask}`, lines: [doneLine, leftLine], answer: left.value };
    }
    const more = calc('/', left.value, laterRate);
    const then = `Then ${person.subject} ${act.verb} ${act.amount(laterRate)} every ${act.period}.`;
    const ask = `How many more ${act.period}s does ${person.subject} need to ${act.finish}?`;
    return {
      question: `${intro} ${then} ${ask}`,
      lines: [doneLine, leftLine, `${capitalize(person.subject)} needs ${more.text} more ${act.period}s.`],
      answer: more.value,
    };
  },
};
