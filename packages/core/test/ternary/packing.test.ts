import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/index.js';
import { packTernary, packedByteLength, unpackTernary } from '../../src/index.js';

function randomTernary(seed: number, count: number): number[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: count }, () => rng.int(0, 2) - 1);
}

describe('2-bit ternary packing', () => {
  it('round-trips random ternary tensors of odd sizes exactly', () => {
    for (const [seed, count] of [
      [1, 1],
      [2, 3],
      [3, 5],
      [4, 7],
      [5, 13 * 7],
      [6, 1001],
      [7, 33 * 65],
    ] as const) {
      const values = randomTernary(seed, count);
      const packed = packTernary(values);
      expect(packed.length).toBe(Math.ceil(count / 4));
      expect(Array.from(unpackTernary(packed, count))).toEqual(values);
    }
  });

  it('uses the documented layout: first value in the lowest bits, 0→0, +1→1, −1→2, zero padding', () => {
    expect(Array.from(packTernary([1, -1, 0, 1]))).toEqual([0b01_00_10_01]);
    expect(Array.from(packTernary([-1, 1, 1, 0, -1]))).toEqual([0b00_01_01_10, 0b00_00_00_10]);
    expect(packedByteLength(9)).toBe(3);
  });

  it('refuses non-ternary values and corrupt packed data', () => {
    expect(() => packTernary([0, 0.5])).toThrow(/index 1 is not ternary/);
    expect(() => packTernary([2])).toThrow(/not ternary/);
    expect(() => unpackTernary(new Uint8Array([0b11]), 1)).toThrow(/invalid 2-bit code 3/);
    expect(() => unpackTernary(new Uint8Array(2), 9)).toThrow(/9 values need 3/);
  });
});
