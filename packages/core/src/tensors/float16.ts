/**
 * float32 ↔ float16 / bfloat16, bit for bit. Node 20 has no Float16Array and tfjs has no 16-bit
 * dtypes, so half-precision weights are stored as raw 16-bit patterns and converted here.
 * Rounding is IEEE 754 round-to-nearest, ties-to-even; NaN stays NaN (quiet, sign kept),
 * ±Infinity stays ±Infinity, and subnormals are produced and read exactly.
 */

// One shared scratch word: reinterpreting a float's bits without allocating per element.
const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

function float32Bits(value: number): number {
  scratchFloat[0] = value;
  return scratchBits[0] as number;
}

function bitsToFloat32(bits: number): number {
  scratchBits[0] = bits;
  return scratchFloat[0] as number;
}

/** `bits >>> shift`, rounded to nearest with ties to even (1 ≤ shift ≤ 30). */
function shiftRoundingToEven(bits: number, shift: number): number {
  const kept = bits >>> shift;
  const dropped = bits & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return dropped > half || (dropped === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** The float16 bit pattern nearest to `value` (first rounded to float32). */
export function float32ToFloat16Bits(value: number): number {
  const bits = float32Bits(value);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent >= 1) {
    // A carry out of the mantissa bumps the exponent, and from 0x7bff rounds up to Infinity: both right.
    return sign | shiftRoundingToEven((halfExponent << 23) | mantissa, 13);
  }
  // Subnormal half: value = m × 2^-24, so shift the full 24-bit significand right by 14 - halfExponent.
  const shift = 14 - halfExponent;
  // Also covers float32 subnormals (exponent 0), whose shift is 126.
  if (shift > 25) return sign; // below half of the smallest subnormal: rounds to ±0
  return sign | shiftRoundingToEven(mantissa | 0x800000, shift);
}

/** The float value of a float16 bit pattern (exactly representable as float32). */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/** The bfloat16 bit pattern nearest to `value` (first rounded to float32). */
export function float32ToBfloat16Bits(value: number): number {
  const bits = float32Bits(value);
  const isNotANumber = (bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0;
  // Truncating a NaN could clear every payload bit and make it Infinity; set the quiet bit instead.
  if (isNotANumber) return (bits >>> 16) | 0x40;
  return shiftRoundingToEven(bits, 16);
}

/** bfloat16 is the top half of a float32, so widening is exact. */
export function bfloat16BitsToFloat32(bits: number): number {
  return bitsToFloat32(((bits & 0xffff) << 16) >>> 0);
}

/** Encode float values as float16 bit patterns. */
export function encodeFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i] as number);
  return out;
}

/** Decode float16 bit patterns to float32 values. */
export function decodeFloat16(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i] as number);
  return out;
}

/** Encode float values as bfloat16 bit patterns. */
export function encodeBfloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToBfloat16Bits(values[i] as number);
  return out;
}

/** Decode bfloat16 bit patterns to float32 values. */
export function decodeBfloat16(bits: ArrayLike<number>): Float32Array {
  // Widening bf16 is a 16-bit shift, so do it on whole words instead of element by element via floats.
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = ((bits[i] as number) & 0xffff) << 16;
  return new Float32Array(words.buffer);
}
