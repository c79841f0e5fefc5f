import { ForgeError } from '../errors.js';
import { assertHostTensor, formatShape, hostTensor, type Dtype, type HostTensor } from './dtype.js';
import { decodeBfloat16, decodeFloat16, encodeBfloat16, encodeFloat16 } from './float16.js';

/**
 * Converting between a HostTensor and plain numbers: the step both tfjs conversion and any
 * engine-free code (merging, quantisation) need.
 */

const INTEGER_RANGES: Readonly<Record<'I8' | 'U8' | 'I32', readonly [number, number]>> = {
  I8: [-128, 127],
  U8: [0, 255],
  I32: [-2147483648, 2147483647],
};

/**
 * The tensor's values in a fresh array: Float32Array for F32/F16/BF16 (16-bit patterns decoded),
 * Int32Array for I8/U8/I32. Always a copy, so the caller may keep or mutate it.
 */
export function hostValues(tensor: HostTensor): Float32Array | Int32Array {
  switch (tensor.dtype) {
    case 'F32':
      return tensor.data.slice();
    case 'F16':
      return decodeFloat16(tensor.data);
    case 'BF16':
      return decodeBfloat16(tensor.data);
    case 'I8':
    case 'U8':
      return Int32Array.from(tensor.data);
    case 'I32':
      return tensor.data.slice();
  }
}

/**
 * A HostTensor of `dtype` holding `values` (copied). Floats are rounded to nearest-even for F16 and
 * BF16; integer dtypes reject a value that is not an integer within range rather than wrap it.
 */
export function hostFromValues(dtype: Dtype, shape: readonly number[], values: ArrayLike<number>): HostTensor {
  const tensor = buildHostTensor(dtype, shape, values);
  assertHostTensor(tensor);
  return tensor;
}

function buildHostTensor(dtype: Dtype, shape: readonly number[], values: ArrayLike<number>): HostTensor {
  switch (dtype) {
    case 'F32':
      return hostTensor(dtype, shape, Float32Array.from(values));
    case 'F16':
      return hostTensor(dtype, shape, encodeFloat16(values));
    case 'BF16':
      return hostTensor(dtype, shape, encodeBfloat16(values));
    case 'I8':
      return hostTensor(dtype, shape, Int8Array.from(checkedIntegers(dtype, shape, values)));
    case 'U8':
      return hostTensor(dtype, shape, Uint8Array.from(checkedIntegers(dtype, shape, values)));
    case 'I32':
      return hostTensor(dtype, shape, Int32Array.from(checkedIntegers(dtype, shape, values)));
  }
}

function checkedIntegers(
  dtype: 'I8' | 'U8' | 'I32',
  shape: readonly number[],
  values: ArrayLike<number>,
): ArrayLike<number> {
  const [min, max] = INTEGER_RANGES[dtype];
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ForgeError(
        `value ${value} at index ${i} of a ${formatShape(shape)} tensor is not an integer in the ${dtype} range [${min}, ${max}]`,
      );
    }
  }
  return values;
}
