import { calc } from '../calc.js';
import type { DraftProblem, TemplateContext } from '../template.js';
import { COLLECTIBLES } from '../vocabulary.js';

/** Settings of a recall problem: how many later facts push the needed ones back in the context. */
export interface RecallOptions {
  /** Facts stated after the needed ones (≥ 1); each is one more sentence between a needed fact and the question. */
  readonly distractors: number;
}

/**
 * Long-context recall: the facts the question needs are stated first, then `distractors` facts about
 * other people and things, then the question. Level 1 asks for one early fact back; levels 2 and 3
 * add two early facts (both sit before every distractor), so the answer needs both to be remembered.
 */
export function buildRecall(ctx: TemplateContext, options: RecallOptions): DraftProblem {
  const things = ctx.rng.shuffle(COLLECTIBLES);
  const needed = ctx.level === 1 ? 1 : 2;
  const facts = Array.from({ length: needed + options.distractors }, (_, i) => ({
    person: ctx.person(i),
    thing: things[i % things.length] as string,
    amount: ctx.count(),
  }));
  const sentences = facts.map((fact) => `${fact.person.name} has ${fact.amount} ${fact.thing}.`);
  const [first, second] = facts as [(typeof facts)[0], (typeof facts)[0]];
  if (needed === 1) {
    return {
      question: `${sentences.join(' ')} How many ${first.thing} does ${first.person.name} have?`,
      lines: [`${first.person.name} has ${first.amount} ${first.thing}.`],
      answer: first.amount,
    };
  }
  const total = calc('+', first.amount, second.amount);
  return {
    question: `${sentences.join(' ')} How many ${first.thing} and ${second.thing} do ${first.person.name} and ${second.person.name} have together?`,
    lines: [
      `${first.person.name} has ${first.amount} ${first.thing} and ${second.person.name} has ${second.amount} ${second.thing}.`,
      `Together they have ${total.text}.`,
    ],
    answer: total.value,
  };
}
