import { describe, expect, it } from 'vitest';
import { HOST_IS_LITTLE_ENDIAN, littleEndianBytes, readElements, swapByteOrder } from '../../src/tensors/bytes.js';
import { shifted } from './fixtures.js';

describe('byte order and alignment', () => {
  it('swaps the bytes of each element', () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    swapByteOrder(bytes, 2);
    expect(Array.from(bytes)).toEqual([2, 1, 4, 3, 6, 5, 8, 7]);
    swapByteOrder(bytes, 4);
    expect(Array.from(bytes)).toEqual([3, 4, 1, 2, 7, 8, 5, 6]);
  });

  it('writes little-endian bytes', () => {
    expect(Array.from(littleEndianBytes(new Int32Array([0x01020304])))).toEqual([4, 3, 2, 1]);
    expect(Array.from(littleEndianBytes(new Uint16Array([0x3c00])))).toEqual([0x00, 0x3c]);
  });

  it.each([1, 2, 3])('reads int32 elements at every misalignment (shift %i)', (shift) => {
    const source = new Uint8Array([0xff, 4, 3, 2, 1, 0xfe, 0xff, 0xff, 0xff]);
    const bytes = shifted(source, shift);
    expect(Array.from(readElements('I32', bytes, 1, 2))).toEqual([0x01020304, -2]);
  });

  it('views instead of copying when aligned on a little-endian host', () => {
    const bytes = new Uint8Array([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]);
    const view = readElements('F32', bytes, 4, 1);
    expect(Array.from(view)).toEqual([2]);
    expect(view.buffer === bytes.buffer).toBe(HOST_IS_LITTLE_ENDIAN);
  });
});
