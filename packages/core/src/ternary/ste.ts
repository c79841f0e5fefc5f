/**
 * Straight-through estimator: the forward pass uses the quantized value, the backward pass treats the
 * quantizer as the identity, so the gradient w.r.t. the quantized tensor reaches the full-precision
 * latent tensor unchanged (PyTorch's `x + (q(x) − x).detach()`, written as a tfjs custom gradient).
 */
import { tf } from '../backend/tf.js';

/** Wraps a quantizer so its gradient is the identity. */
export function straightThrough(quantize: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  const withIdentityGradient = tf.customGrad((...inputs) => ({
    value: quantize(inputs[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => dy,
  }));
  return (x) => withIdentityGradient(x);
}
