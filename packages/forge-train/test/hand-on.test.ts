import { describe, expect, it } from 'vitest';
import { chooseHandedOn } from '../src/index.js';

describe('chooseHandedOn', () => {
  const check = (input: number, grokfast: number, baseline: number | undefined) => ({
    windows: 4,
    input,
    grokfast,
    baseline,
  });

  it('hands on the lowest check-set loss', () => {
    expect(chooseHandedOn(check(3, 2, 2.5))).toBe('grokfast');
    expect(chooseHandedOn(check(3, 2.5, 2))).toBe('baseline');
    expect(chooseHandedOn(check(1, 2.5, 2))).toBe('input');
    expect(chooseHandedOn(check(1, 2.5, undefined))).toBe('input');
    expect(chooseHandedOn(check(3, 2.5, undefined))).toBe('grokfast');
  });

  it('breaks ties towards Grokfast, then the baseline, and hands on Grokfast without a check set', () => {
    expect(chooseHandedOn(check(2, 2, 2))).toBe('grokfast');
    expect(chooseHandedOn(check(2, 3, 2))).toBe('baseline');
    expect(chooseHandedOn(undefined)).toBe('grokfast');
  });

  it('never hands on a model whose loss is not a number (a diverged run)', () => {
    expect(chooseHandedOn(check(3, Number.NaN, 2.5))).toBe('baseline');
    expect(chooseHandedOn(check(3, Number.NaN, Number.NaN))).toBe('input');
    expect(chooseHandedOn(check(3, Number.POSITIVE_INFINITY, undefined))).toBe('input');
  });
});
