/**
 * Word lists kept deliberately small: a tiny model must see each name and item many times, and a
 * small closed vocabulary keeps the tokenizer's budget for the words that carry the arithmetic.
 */
export interface Person {
  /** First name as it appears in the question, e.g. `Ava`. */
  readonly name: string;
  /** "he" / "she" */
  readonly subject: string;
  /** "his" / "her" */
  readonly possessive: string;
}

const she = (name: string): Person => ({ name, subject: 'she', possessive: 'her' });
const he = (name: string): Person => ({ name, subject: 'he', possessive: 'his' });

export const PEOPLE: readonly Person[] = [
  ...['Ava', 'Mia', 'Emma', 'Lily', 'Zoe', 'Nora', 'Lucy', 'Anna', 'Sara', 'Maya', 'Rosa', 'Ella'].map(she),
  ...['Liam', 'Noah', 'Leo', 'Sam', 'Ben', 'Tom', 'Max', 'Jack', 'Omar', 'Ravi', 'Ivan', 'Luke'].map(he),
];

/** Things people own, find and share (plural). */
export const COLLECTIBLES: readonly string[] = [
  'apples',
  'marbles',
  'stickers',
  'cards',
  'shells',
  'stamps',
  'pencils',
  'cookies',
  'oranges',
  'beads',
  'coins',
  'toys',
];

/** Things sold by the piece (plural). */
export const GOODS: readonly string[] = [
  'notebooks',
  'pens',
  'books',
  'cups',
  'shirts',
  'hats',
  'balls',
  'plates',
  'candles',
  'kites',
  'cakes',
  'bags',
];

/** Things to spend savings on (singular, with article). */
export const PURCHASES: readonly string[] = ['a bike', 'a game', 'a lamp', 'a jacket', 'a tent', 'a radio'];

/** A container holding a number of items, for multiplication problems. */
export interface Grouping {
  readonly containers: string;
  readonly items: string;
}

export const GROUPINGS: readonly Grouping[] = [
  { containers: 'boxes', items: 'crayons' },
  { containers: 'rows', items: 'chairs' },
  { containers: 'shelves', items: 'books' },
  { containers: 'baskets', items: 'eggs' },
  { containers: 'bags', items: 'candies' },
  { containers: 'trays', items: 'muffins' },
];

export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
