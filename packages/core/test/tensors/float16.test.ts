import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToFloat32,
  decodeBfloat16,
  decodeFloat16,
  encodeBfloat16,
  encodeFloat16,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from '../../src/tensors/index.js';

/** The float32 whose bit pattern is `bits`. */
function fromBits(bits: number): number {
  return new Float32Array(new Uint32Array([bits]).buffer)[0] as number;
}

function isHalfNaN(bits: number): boolean {
  return (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
}

function isBfloatNaN(bits: number): boolean {
  return (bits & 0x7f80) === 0x7f80 && (bits & 0x7f) !== 0;
}

describe('float32 → float16', () => {
  it.each([
    ['1.0', 1, 0x3c00],
    ['-2.0', -2, 0xc000],
    ['0.5', 0.5, 0x3800],
    ['+0', 0, 0x0000],
    ['-0', -0, 0x8000],
    ['65504, the largest half', 65504, 0x7bff],
    ['65519, just below the overflow midpoint', 65519, 0x7bff],
    ['65520, the overflow midpoint, ties to even = Infinity', 65520, 0x7c00],
    ['1e6, overflow', 1e6, 0x7c00],
    ['+Infinity', Infinity, 0x7c00],
    ['-Infinity', -Infinity, 0xfc00],
    ['2^-14, the smallest normal', 2 ** -14, 0x0400],
    ['2^-24, the smallest subnormal', 2 ** -24, 0x0001],
    ['1023 × 2^-24, the largest subnormal', 1023 * 2 ** -24, 0x03ff],
    ['2^-25, half the smallest subnormal, ties to even = 0', 2 ** -25, 0x0000],
    ['just above 2^-25, rounds up to the smallest subnormal', fromBits(0x33000001), 0x0001],
    ['3 × 2^-25, a subnormal tie, rounds to even', 3 * 2 ** -25, 0x0002],
    ['-2^-24', -(2 ** -24), 0x8001],
    ['1e-8, underflow to 0', 1e-8, 0x0000],
    ['a float32 subnormal', fromBits(0x00000001), 0x0000],
    ['0.1', 0.1, 0x2e66],
    ['1/3', 1 / 3, 0x3555],
    ['1 + 2^-11, a tie, rounds to even (down)', 1 + 2 ** -11, 0x3c00],
    ['1 + 3 × 2^-11, a tie, rounds to even (up)', 1 + 3 * 2 ** -11, 0x3c02],
    ['just below 2^-14, rounds up into the normals', fromBits(0x387fffff), 0x0400],
  ])('%s → %s', (_label, value, expected) => {
    expect(float32ToFloat16Bits(value)).toBe(expected);
  });

  it('keeps NaN a NaN, with its sign', () => {
    expect(isHalfNaN(float32ToFloat16Bits(NaN))).toBe(true);
    // Only the low payload bits set: plain truncation would give Infinity.
    expect(isHalfNaN(float32ToFloat16Bits(fromBits(0x7f800001)))).toBe(true);
    expect(float32ToFloat16Bits(fromBits(0xffc00000)) & 0x8000).toBe(0x8000);
  });
});

describe('float16 → float32', () => {
  it.each([
    [0x3c00, 1],
    [0xc000, -2],
    [0x7bff, 65504],
    [0x0400, 2 ** -14],
    [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24],
    [0x3555, 0.333251953125],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ])('0x%s', (bits, expected) => {
    expect(float16BitsToFloat32(bits)).toBe(expected);
  });

  it('keeps the sign of zero and decodes NaN', () => {
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(Object.is(float16BitsToFloat32(0x0000), 0)).toBe(true);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    expect(float16BitsToFloat32(0xfc01)).toBeNaN();
  });

  it('round-trips every one of the 65536 half bit patterns (NaNs stay NaN)', () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits <= 0xffff; bits++) {
      const back = float32ToFloat16Bits(float16BitsToFloat32(bits));
      if (isHalfNaN(bits) ? !isHalfNaN(back) : back !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('float32 ↔ bfloat16', () => {
  it.each([
    ['1.0', 1, 0x3f80],
    ['-2.0', -2, 0xc000],
    ['pi rounds down', Math.PI, 0x4049],
    ['0.1 rounds up', 0.1, 0x3dcd],
    ['1 + 2^-8, a tie, rounds to even (down)', fromBits(0x3f808000), 0x3f80],
    ['1 + 3 × 2^-8, a tie, rounds to even (up)', fromBits(0x3f818000), 0x3f82],
    ['the largest float32 overflows to Infinity', fromBits(0x7f7fffff), 0x7f80],
    ['+Infinity', Infinity, 0x7f80],
    ['-Infinity', -Infinity, 0xff80],
    ['-0', -0, 0x8000],
    ['a float32 subnormal, 2^-133', 2 ** -133, 0x0001],
  ])('%s', (_label, value, expected) => {
    expect(float32ToBfloat16Bits(value)).toBe(expected);
  });

  it('keeps NaN a NaN', () => {
    expect(float32ToBfloat16Bits(NaN)).toBe(0x7fc0);
    expect(isBfloatNaN(float32ToBfloat16Bits(fromBits(0x7f800001)))).toBe(true);
    expect(bfloat16BitsToFloat32(0x7fc0)).toBeNaN();
  });

  it('widens exactly', () => {
    expect(bfloat16BitsToFloat32(0x3f80)).toBe(1);
    expect(bfloat16BitsToFloat32(0x4049)).toBe(3.140625);
    expect(bfloat16BitsToFloat32(0x0001)).toBe(2 ** -133);
    expect(bfloat16BitsToFloat32(0xff80)).toBe(-Infinity);
  });

  it('round-trips every one of the 65536 bfloat16 bit patterns (NaNs stay NaN)', () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits <= 0xffff; bits++) {
      const back = float32ToBfloat16Bits(bfloat16BitsToFloat32(bits));
      if (isBfloatNaN(bits) ? !isBfloatNaN(back) : back !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('array conversions', () => {
  it('encode and decode whole arrays with the scalar rules', () => {
    const values = [1, -2, 0.1, 65504, 2 ** -24];
    expect(Array.from(encodeFloat16(values))).toEqual([0x3c00, 0xc000, 0x2e66, 0x7bff, 0x0001]);
    expect(Array.from(decodeFloat16([0x3c00, 0xc000, 0x7bff]))).toEqual([1, -2, 65504]);
    expect(Array.from(encodeBfloat16(values))).toEqual(values.map(float32ToBfloat16Bits));
    expect(Array.from(decodeBfloat16([0x3f80, 0xc000, 0x4049]))).toEqual([1, -2, 3.140625]);
  });
});
