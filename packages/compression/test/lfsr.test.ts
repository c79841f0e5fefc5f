import { describe, expect, it } from 'vitest';
import { LFSR_PERIOD, lfsrNext, lfsrPeriod, lfsrStates, seedMatrix } from '../src/index.js';

describe('16-bit LFSR (x^16 + x^14 + x^13 + x^11 + 1)', () => {
  it('matches hand-computed steps', () => {
    // 0xACE1 = 1010 1100 1110 0001: taps b0 ^ b2 ^ b3 ^ b5 = 1 ^ 0 ^ 0 ^ 1 = 0, shift right → 0x5670.
    expect(lfsrNext(0xace1)).toBe(0x5670);
    // 0x5670 = 0101 0110 0111 0000: 0 ^ 0 ^ 0 ^ 1 = 1 → 0x2B38 | 0x8000 = 0xAB38.
    expect(lfsrNext(0x5670)).toBe(0xab38);
    // 0xAB38 = 1010 1011 0011 1000: 0 ^ 0 ^ 1 ^ 1 = 0 → 0x559C.
    expect(lfsrNext(0xab38)).toBe(0x559c);
    expect([...lfsrStates(0xace1, 3)]).toEqual([0x5670, 0xab38, 0x559c]);
    // From 1: the new top bit is 1 (b0 = 1), so 0x8000, then 0x4000 (taps all 0 for a single high bit).
    expect([...lfsrStates(1, 2)]).toEqual([0x8000, 0x4000]);
  });

  it('has period 2^16 − 1 and visits every nonzero state exactly once', () => {
    expect(LFSR_PERIOD).toBe(65535);
    for (const seed of [1, 0xace1, 0xffff]) expect(lfsrPeriod(seed)).toBe(65535);
    const seen = new Set(lfsrStates(1, 65535));
    expect(seen.size).toBe(65535);
    expect(seen.has(0)).toBe(false);
  });

  it('maps the states after the seed to U(s) in (−1, 1), row-major', () => {
    const states = lfsrStates(0xace1, 8 * 3);
    const u = seedMatrix(0xace1, 8, 3);
    expect(u[0]).toBe((0x5670 - 32768) / 32768);
    for (let i = 0; i < u.length; i++) {
      expect(u[i]).toBe(((states[i] as number) - 32768) / 32768);
      expect(Math.abs(u[i] as number)).toBeLessThan(1);
    }
  });
});
