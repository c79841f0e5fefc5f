/**
 * 2-bit packing of ternary values, 4 per byte.
 *
 * Layout (`ternary-2bit-v1`): the tensor is flattened row-major (for a linear weight `[in, out]`,
 * index = i·out + j); value k goes to byte ⌊k/4⌋, bits 2·(k mod 4) and 2·(k mod 4)+1 (the first value
 * in the lowest bits). Codes: 0 → 0, 1 → +1, 2 → −1; code 3 is invalid. The last byte is padded with
 * code 0, so n values take ⌈n/4⌉ bytes. Code 0 for zero keeps an all-zero buffer meaning all zeros.
 */
import { ForgeError } from '../errors.js';

/**
 * Name of the 2-bit layout (row-major, 4 values per byte, first value in the lowest bits; codes
 * 0 → 0, 1 → +1, 2 → −1). Stored as `bitnet.packing` in the packed file's metadata; loading refuses any other.
 */
export const PACKING_NAME = 'ternary-2bit-v1';
/** Ternary values stored per byte (2 bits each); n values take ⌈n / 4⌉ bytes. */
export const VALUES_PER_BYTE = 4;

const CODE_OF: Readonly<Record<string, number>> = { '0': 0, '1': 1, '-1': 2 };
const VALUE_OF: readonly number[] = [0, 1, -1];

/** Bytes needed for `count` ternary values. */
export function packedByteLength(count: number): number {
  return Math.ceil(count / VALUES_PER_BYTE);
}

/** Packs values that must each be −1, 0 or +1 (−0 counts as 0). */
export function packTernary(values: ArrayLike<number>): Uint8Array {
  const packed = new Uint8Array(packedByteLength(values.length));
  for (let index = 0; index < values.length; index++) {
    const value = values[index] as number;
    const code = CODE_OF[String(value === 0 ? 0 : value)];
    if (code === undefined)
      throw new ForgeError(`value ${value} at index ${index} is not ternary (−1, 0, +1)`, { field: 'ternary' });
    packed[index >> 2] = (packed[index >> 2] as number) | (code << ((index & 3) * 2));
  }
  return packed;
}

/** Unpacks `count` values; a wrong length or the unused code 3 means a corrupt file. */
export function unpackTernary(packed: Uint8Array, count: number): Int8Array {
  if (packed.length !== packedByteLength(count)) {
    throw new ForgeError(
      `packed ternary tensor has ${packed.length} bytes, ${count} values need ${packedByteLength(count)}`,
      { field: 'packed' },
    );
  }
  const values = new Int8Array(count);
  for (let index = 0; index < count; index++) {
    const code = ((packed[index >> 2] as number) >> ((index & 3) * 2)) & 3;
    const value = VALUE_OF[code];
    if (value === undefined) throw new ForgeError(`invalid 2-bit code 3 at value ${index}`, { field: 'packed' });
    values[index] = value;
  }
  return values;
}
