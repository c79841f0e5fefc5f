import { ForgeError, hostFromValues, hostTensor, hostValues, type Dtype, type HostTensor } from '@agent-forge/core';
import { OUTPUT_DTYPES, type MergeConfig } from '../config/schema.js';

const FLOAT_DTYPES: ReadonlySet<Dtype> = new Set(['F32', 'F16', 'BF16']);

export function isFloatDtype(dtype: Dtype): boolean {
  return FLOAT_DTYPES.has(dtype);
}

/** A tensor's values as float32; an F32 tensor's own array is returned, not copied (read-only use). */
export function floatValues(tensor: HostTensor, label: string, name: string): Float32Array {
  if (tensor.dtype === 'F32') return tensor.data;
  if (!isFloatDtype(tensor.dtype))
    throw new ForgeError(`tensor '${name}' of '${label}' is ${tensor.dtype}: only float tensors can be merged`);
  return hostValues(tensor) as Float32Array;
}

/** Merged values as a tensor of `dtype` (F16/BF16 rounded to nearest even). */
export function toDtype(dtype: Dtype, shape: readonly number[], values: Float32Array): HostTensor {
  return dtype === 'F32' ? hostTensor('F32', shape, values) : hostFromValues(dtype, shape, values);
}

/**
 * The dtypes of a merge, as mergekit reads `dtype` and `out_dtype`: `compute` is what every input is
 * cast to as it is read (undefined: inputs as stored), `output(based)` the dtype a tensor is written
 * in, given the dtype of the input it is based on.
 */
export interface MergeDtypes {
  readonly compute: Dtype | undefined;
  output(based: Dtype): Dtype;
}

export function mergeDtypes(config: MergeConfig): MergeDtypes {
  const compute = config.dtype === undefined ? undefined : OUTPUT_DTYPES[config.dtype];
  const out = config.out_dtype === undefined ? compute : OUTPUT_DTYPES[config.out_dtype];
  return { compute, output: (based) => out ?? based };
}

/**
 * An input's values as the compute dtype holds them: rounded to F16/BF16 (nearest even) when that is
 * the compute dtype — mergekit casts each tensor on load. The merge arithmetic itself then runs in
 * float32/float64 and is rounded once, where mergekit computes in the compute dtype op by op.
 */
export function castForCompute(values: Float32Array, compute: Dtype | undefined): Float32Array {
  if (compute === undefined || compute === 'F32') return values;
  return hostValues(hostFromValues(compute, [values.length], values)) as Float32Array;
}
