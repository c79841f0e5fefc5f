import type { tf } from '@agent-forge/core';

/** A tensor's values on the host, and the tensor freed: for results made in a tidy only to be read. */
export function readAndDispose(tensor: tf.Tensor): Float32Array | Int32Array | Uint8Array {
  try {
    return tensor.dataSync().slice();
  } finally {
    tensor.dispose();
  }
}
