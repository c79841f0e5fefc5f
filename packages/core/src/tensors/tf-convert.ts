import { tf, type Tensor } from '../backend/tf.js';
import { ForgeError } from '../errors.js';
import { assertHostTensor, type Dtype, type HostTensor, type WeightMap } from './dtype.js';
import { hostFromValues, hostValues } from './host-values.js';

/**
 * HostTensor ↔ tf.Tensor. tfjs has only float32 and int32 numeric dtypes, so F16/BF16 become
 * float32 tensors and I8/U8/I32 become int32 tensors; the safetensors dtype is chosen again on the
 * way back.
 */

/** A new tf.Tensor with the tensor's values (F16/BF16 → float32, I8/U8/I32 → int32). The caller disposes it. */
export function toTfTensor(tensor: HostTensor, name?: string): Tensor {
  assertHostTensor(tensor, name);
  // hostValues copies: tfjs's CPU backend keeps the array it is given, and HostTensor data may
  // be a view into a file buffer that someone else can still mutate.
  const values = hostValues(tensor);
  return tf.tensor(values, [...tensor.shape], values instanceof Float32Array ? 'float32' : 'int32');
}

/**
 * The tensor's values as a HostTensor of `dtype` (copied; the tensor is not disposed). Without a
 * dtype: F32 for float32 tensors, I32 for int32 and bool ones. Integer dtypes reject values that
 * are fractional or out of range instead of wrapping them.
 */
export function fromTfTensor(tensor: Tensor, dtype?: Dtype, name?: string): HostTensor {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32' && tensor.dtype !== 'bool') {
    throw new ForgeError(
      `${name === undefined ? 'tensor' : `tensor '${name}'`}: cannot store a tfjs ${tensor.dtype} tensor`,
    );
  }
  const target = dtype ?? (tensor.dtype === 'float32' ? 'F32' : 'I32');
  try {
    return hostFromValues(target, tensor.shape, tensor.dataSync<'float32' | 'int32' | 'bool'>());
  } catch (error) {
    if (name !== undefined && error instanceof ForgeError)
      throw new ForgeError(`tensor '${name}': ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Snapshot named tensors or variables (e.g. a model's trainable weights) into a WeightMap, in the
 * map's order. `dtype` applies to every tensor; see `fromTfTensor` for the default.
 */
export function weightsFromTf(
  tensors: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
  dtype?: Dtype,
): WeightMap {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const weights: WeightMap = new Map();
  for (const [name, tensor] of entries) weights.set(name, fromTfTensor(tensor, dtype, name));
  return weights;
}

/** New tf.Tensors for every weight, in the map's order. The caller disposes them. */
export function weightsToTf(weights: WeightMap): Map<string, Tensor> {
  const tensors = new Map<string, Tensor>();
  try {
    for (const [name, weight] of weights) tensors.set(name, toTfTensor(weight, name));
  } catch (error) {
    for (const tensor of tensors.values()) tensor.dispose();
    throw error;
  }
  return tensors;
}
