import type { Rng } from '../../rng/rng.js';
import { PEOPLE, type Person } from './vocabulary.js';

/** 1: one operation · 2: two · 3: three or more. Levels above 3 only grow the numbers. */
export type StepLevel = 1 | 2 | 3;

/** A problem before it is rendered: the question, the solution lines, the final number. */
export interface DraftProblem {
  /** The question text. */
  readonly question: string;
  /** The solution, one reasoning step per line. */
  readonly lines: readonly string[];
  /** The final number (what follows `####`). */
  readonly answer: number;
}

/** One kind of word problem: `build` draws its numbers and people from the context. */
export interface ProblemTemplate {
  /** The template's name (recorded in each generated problem). */
  readonly name: string;
  /** Draws one problem. */
  build(ctx: TemplateContext): DraftProblem;
}

/** Largest "count", "price" and "factor" per difficulty (index = difficulty - 1). */
const MAX_COUNT = [10, 25, 60, 250, 1000] as const;
const MAX_PRICE = [9, 15, 25, 60, 200] as const;
const MAX_FACTOR = [5, 6, 9, 12, 20] as const;

/** Highest difficulty the generator accepts (5). */
export const MAX_DIFFICULTY = MAX_COUNT.length;

/** Random draws scaled to the difficulty, plus distinct people for one problem. */
export class TemplateContext {
  /** Reasoning steps to use: the difficulty capped at 3. */
  readonly level: StepLevel;
  private readonly tier: number;
  private readonly people: Person[];

  constructor(
    /** This problem's own stream; draw through `count`/`price`/`factor`/`pick` so numbers scale with difficulty. */
    readonly rng: Rng,
    /** The requested difficulty, 1 to `MAX_DIFFICULTY`; above 3 it only grows the numbers. */
    readonly difficulty: number,
  ) {
    this.level = Math.min(difficulty, 3) as StepLevel;
    this.tier = Math.min(difficulty, MAX_DIFFICULTY) - 1;
    this.people = rng.shuffle(PEOPLE);
  }

  /** A quantity of things, at least `min`. */
  count(min = 2): number {
    return this.rng.int(min, Math.max(min, MAX_COUNT[this.tier] as number));
  }

  /** A unit price or rate. */
  price(min = 2): number {
    return this.rng.int(min, Math.max(min, MAX_PRICE[this.tier] as number));
  }

  /** A small multiplier or divisor ("3 times as many", "shared among 4"). */
  factor(min = 2): number {
    return this.rng.int(min, Math.max(min, MAX_FACTOR[this.tier] as number));
  }

  /** The i-th person of this problem: distinct i give distinct names. */
  person(i: number): Person {
    return this.people[i % this.people.length] as Person;
  }

  /** An element of `items` chosen uniformly from this problem's stream. */
  pick<T>(items: readonly T[]): T {
    return this.rng.pick(items);
  }
}
