/**
 * Packing unsigned integers of any width 1…24 into bytes, least significant bit first: value i
 * occupies bits [i·w, (i+1)·w) of the little-endian bit stream. safetensors has no U16/U4 dtypes,
 * so every index, seed and code of the compressors is stored as a U8 tensor through this.
 */
import { ForgeError } from '@agent-forge/core';

/** Bytes `count` values of `bits` bits take. */
export function packedBytes(count: number, bits: number): number {
  return Math.ceil((count * bits) / 8);
}

function checkWidth(bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > 24)
    throw new ForgeError(`bit width ${bits} must be an integer in 1…24`, { field: 'bits' });
}

/** Packs `values` (each an integer in [0, 2^bits)). */
export function packBits(values: ArrayLike<number>, bits: number): Uint8Array {
  checkWidth(bits);
  const out = new Uint8Array(packedBytes(values.length, bits));
  const limit = 2 ** bits;
  let bitPosition = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isInteger(value) || value < 0 || value >= limit)
      throw new ForgeError(`value ${value} at index ${i} does not fit in ${bits} bits`, { field: 'values' });
    for (let b = 0; b < bits; b++, bitPosition++) {
      if ((value >>> b) & 1) out[bitPosition >> 3] = (out[bitPosition >> 3] as number) | (1 << (bitPosition & 7));
    }
  }
  return out;
}

/** Unpacks `count` values of `bits` bits; a buffer of the wrong length is a corrupt file. */
export function unpackBits(bytes: Uint8Array, bits: number, count: number): Uint32Array {
  checkWidth(bits);
  if (bytes.length !== packedBytes(count, bits)) {
    throw new ForgeError(
      `packed buffer has ${bytes.length} bytes, ${count} values of ${bits} bits need ${packedBytes(count, bits)}`,
      { field: 'packed' },
    );
  }
  const out = new Uint32Array(count);
  let bitPosition = 0;
  for (let i = 0; i < count; i++) {
    let value = 0;
    for (let b = 0; b < bits; b++, bitPosition++)
      value |= (((bytes[bitPosition >> 3] as number) >> (bitPosition & 7)) & 1) << b;
    out[i] = value >>> 0;
  }
  return out;
}

/** Two's-complement signed `bits`-bit value ↔ its unsigned code. */
export function toUnsigned(value: number, bits: number): number {
  return value < 0 ? value + 2 ** bits : value;
}

export function toSigned(code: number, bits: number): number {
  return code >= 2 ** (bits - 1) ? code - 2 ** bits : code;
}

/** Bits needed to index `count` distinct entries (at least 1). */
export function indexBits(count: number): number {
  return Math.max(1, Math.ceil(Math.log2(count)));
}
