import { ForgeError, hostFromValues, hostTensor, hostValues, type Dtype, type HostTensor } from '@agent-forge/core';

const FLOAT_DTYPES: ReadonlySet<Dtype> = new Set(['F32', 'F16', 'BF16']);

export function isFloatDtype(dtype: Dtype): boolean {
  return FLOAT_DTYPES.has(dtype);
}

/** A tensor's values as float32; an F32 tensor's own array is returned, not copied (read-only use). */
export function floatValues(tensor: HostTensor, label: string, name: string): Float32Array {
  if (tensor.dtype === 'F32') return tensor.data;
  if (!isFloatDtype(tensor.dtype)) throw new ForgeError(`tensor '${name}' of '${label}' is ${tensor.dtype}: only float tensors can be merged`);
  return hostValues(tensor) as Float32Array;
}

/** Merged values as a tensor of `dtype` (F16/BF16 rounded to nearest even). */
export function toDtype(dtype: Dtype, shape: readonly number[], values: Float32Array): HostTensor {
  return dtype === 'F32' ? hostTensor('F32', shape, values) : hostFromValues(dtype, shape, values);
}
