import { DTYPE_BYTES, allocateArray, type Dtype, type DtypeArrays } from './dtype.js';

/**
 * Moving tensor data between typed arrays and the little-endian bytes of a file.
 * Typed arrays use the host's byte order, so on a (rare) big-endian host every multi-byte
 * element is swapped on the way in and out.
 */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverse the byte order of each `width`-byte element, in place. */
export function swapByteOrder(bytes: Uint8Array, width: number): void {
  for (let start = 0; start + width <= bytes.length; start += width) {
    for (let low = start, high = start + width - 1; low < high; low++, high--) {
      const byte = bytes[low] as number;
      bytes[low] = bytes[high] as number;
      bytes[high] = byte;
    }
  }
}

/**
 * `count` elements of `dtype` stored little-endian at `bytes[offset..]`.
 * A zero-copy view when the absolute byte offset is a multiple of the element size (a typed
 * array cannot start mid-element) and the host is little-endian; a copy otherwise. Callers must
 * therefore treat the result as sharing memory with `bytes`.
 */
export function readElements<D extends Dtype>(
  dtype: D,
  bytes: Uint8Array,
  offset: number,
  count: number,
): DtypeArrays[D] {
  const width = DTYPE_BYTES[dtype];
  const absolute = bytes.byteOffset + offset;
  if (HOST_IS_LITTLE_ENDIAN && absolute % width === 0) {
    return viewElements(dtype, bytes.buffer, absolute, count);
  }
  const out = allocateArray(dtype, count);
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  outBytes.set(bytes.subarray(offset, offset + count * width));
  if (!HOST_IS_LITTLE_ENDIAN) swapByteOrder(outBytes, width);
  return out;
}

function viewElements<D extends Dtype>(
  dtype: D,
  buffer: ArrayBufferLike,
  byteOffset: number,
  count: number,
): DtypeArrays[D] {
  const views: { readonly [K in Dtype]: (b: ArrayBufferLike, o: number, n: number) => DtypeArrays[K] } = {
    F32: (b, o, n) => new Float32Array(b, o, n),
    F16: (b, o, n) => new Uint16Array(b, o, n),
    BF16: (b, o, n) => new Uint16Array(b, o, n),
    I8: (b, o, n) => new Int8Array(b, o, n),
    U8: (b, o, n) => new Uint8Array(b, o, n),
    I32: (b, o, n) => new Int32Array(b, o, n),
  };
  return views[dtype](buffer, byteOffset, count);
}

/** The little-endian bytes of a typed array: a view on little-endian hosts, a swapped copy otherwise. */
export function littleEndianBytes(data: DtypeArrays[Dtype]): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_IS_LITTLE_ENDIAN) return bytes;
  const swapped = bytes.slice();
  swapByteOrder(swapped, data.BYTES_PER_ELEMENT);
  return swapped;
}
