import { ForgeError } from '../errors.js';
import { hashString } from '../rng/rng.js';

/** Options of `splitByHash` and `Dataset.split`. */
export interface SplitOptions {
  /** Share of items that go to validation, in [0, 1). */
  readonly validationFraction: number;
  /** Salt for the hash: a different seed gives a different, equally stable split. */
  readonly seed?: number;
}

/** The two sides of `splitByHash`, each in input order. */
export interface Split<T> {
  /** Items to train on. */
  readonly train: T[];
  /** Held-out items, never trained on. */
  readonly validation: T[];
}

/**
 * Deterministic split by hash rank: items are ranked by a seeded hash of their key and the
 * lowest-ranked go to validation. The result depends only on the keys, not on load order or
 * on any RNG stream, so it is the same on every run and machine. Both sides keep input order.
 * Exactly round(fraction × n) items go to validation, at least one when the fraction is > 0 and
 * there are two items or more, and never all of them.
 */
export function splitByHash<T>(items: readonly T[], keyOf: (item: T) => string, options: SplitOptions): Split<T> {
  const { validationFraction, seed = 0 } = options;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new ForgeError(`must be in [0, 1), got ${validationFraction}`, { field: 'validationFraction' });
  }
  const n = items.length;
  let validationCount = Math.round(validationFraction * n);
  if (validationFraction > 0 && n >= 2) validationCount = Math.min(Math.max(validationCount, 1), n - 1);
  const ranked = items
    .map((item, index) => ({ index, hash: mix32(hashString(`${seed}\u0000${keyOf(item)}`)) }))
    .sort((a, b) => a.hash - b.hash || a.index - b.index);
  const toValidation = new Set(ranked.slice(0, validationCount).map((entry) => entry.index));
  const train: T[] = [];
  const validation: T[] = [];
  items.forEach((item, index) => (toValidation.has(index) ? validation : train).push(item));
  return { train, validation };
}

/**
 * murmur3's finalizer. FNV-1a alone barely moves the high bits when keys differ only in their
 * last characters ("example 801" vs "example 802"), and ranking sorts by the high bits first.
 */
export function mix32(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
