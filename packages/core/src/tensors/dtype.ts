import { ForgeError } from '../errors.js';

/**
 * The typed array that holds each dtype's elements on the host. F16 and BF16 have no JS typed
 * array, so they are kept as their raw 16-bit patterns; `decodeToFloat32` turns them into numbers.
 */
export interface DtypeArrays {
  /** 32-bit IEEE floats. */
  F32: Float32Array;
  /** IEEE half floats, as raw bit patterns. */
  F16: Uint16Array;
  /** bfloat16 values, as raw bit patterns. */
  BF16: Uint16Array;
  /** Signed bytes, -128..127. */
  I8: Int8Array;
  /** Unsigned bytes, e.g. packed ternary weights. */
  U8: Uint8Array;
  /** 32-bit signed integers, e.g. token ids. */
  I32: Int32Array;
}

/** A safetensors dtype this project reads and writes (a subset of the Hugging Face list). */
export type Dtype = keyof DtypeArrays;

/** Every supported dtype, for validation messages and exhaustive loops. */
export const DTYPES: readonly Dtype[] = ['F32', 'F16', 'BF16', 'I8', 'U8', 'I32'];

/** Bytes per element, as the safetensors format defines them. */
export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = { F32: 4, F16: 2, BF16: 2, I8: 1, U8: 1, I32: 4 };

/**
 * A tensor held in plain host memory, independent of tfjs so that file formats, merging and
 * compression code can handle weights without an engine. `data` is row-major (C order) and its
 * length is the product of `shape` (1 for a scalar, `shape = []`).
 * Distributes over `Dtype`, so narrowing on `dtype` narrows `data` too.
 */
export type HostTensor<D extends Dtype = Dtype> = D extends Dtype
  ? {
      /** Element type, one of `DTYPES` (`F32`, `F16`, `BF16`, `I8`, `U8`, `I32`). */
      readonly dtype: D;
      /** Dimensions, outermost first; `[]` for a scalar. */
      readonly shape: readonly number[];
      /** The elements in row-major (C) order, as the dtype's typed array (raw bit patterns for F16/BF16); length = product of `shape`. */
      readonly data: DtypeArrays[D];
    }
  : never;

/**
 * Named weights. A Map, not a plain object: tensor names come from untrusted files, and a name
 * such as `__proto__` would be silently swallowed by an object; integer-like names ("0", "1")
 * would also be reordered ahead of the others, losing the order the tensors were added in.
 */
export type WeightMap = Map<string, HostTensor>;

const ARRAY_TYPES: { readonly [D in Dtype]: new (length: number) => DtypeArrays[D] } = {
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I8: Int8Array,
  U8: Uint8Array,
  I32: Int32Array,
};

/** True when `value` is one of `DTYPES`; use it to validate a dtype read from a file. */
export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/** A zero-filled array of `length` elements of `dtype`. */
export function allocateArray<D extends Dtype>(dtype: D, length: number): DtypeArrays[D] {
  return new ARRAY_TYPES[dtype](length);
}

/** Number of elements of a tensor of this shape; undefined when it is not a safe integer. */
export function elementCount(shape: readonly number[]): number | undefined {
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    if (!Number.isSafeInteger(count)) return undefined;
  }
  return count;
}

/** True when `shape` is an array of non-negative safe integers (`[]` is a valid scalar shape). */
export function isValidShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((dim) => Number.isSafeInteger(dim) && (dim as number) >= 0);
}

/** A shape as `[2, 3]`, for error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** True when both shapes have the same rank and dimensions. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/**
 * Build a HostTensor after checking that `data` is the right array type and length for `dtype`
 * and `shape`. The data is kept, not copied.
 */
export function hostTensor<D extends Dtype>(dtype: D, shape: readonly number[], data: DtypeArrays[D]): HostTensor<D> {
  const tensor = { dtype, shape: [...shape], data } as unknown as HostTensor<D>;
  assertHostTensor(tensor);
  return tensor;
}

/** Check a HostTensor's invariants; `name` goes into the error so a bad weight can be found. */
export function assertHostTensor(tensor: HostTensor, name?: string): void {
  const label = name === undefined ? 'tensor' : `tensor '${name}'`;
  if (!isDtype(tensor.dtype))
    throw new ForgeError(`${label}: unknown dtype '${String(tensor.dtype)}' (supported: ${DTYPES.join(', ')})`);
  if (!isValidShape(tensor.shape))
    throw new ForgeError(
      `${label}: shape must be an array of non-negative integers, got ${JSON.stringify(tensor.shape)}`,
    );
  if (!(tensor.data instanceof ARRAY_TYPES[tensor.dtype])) {
    throw new ForgeError(
      `${label}: dtype ${tensor.dtype} needs a ${ARRAY_TYPES[tensor.dtype].name}, got ${describeValue(tensor.data)}`,
    );
  }
  const expected = elementCount(tensor.shape);
  if (expected !== tensor.data.length) {
    throw new ForgeError(
      `${label}: shape ${formatShape(tensor.shape)} needs ${expected ?? 'too many'} elements, data has ${tensor.data.length}`,
    );
  }
}

function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value;
  return value.constructor.name;
}
