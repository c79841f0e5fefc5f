/**
 * Where the REINFORCE term's gradient goes (`policyGradientTarget`). With `'all'` the term is simply part of
 * the loss, so every weight it depends on (trunk, embedding matrix, head, start/end embeddings) receives it.
 * With `'thoughts-only'` only the start/end-of-thought embeddings do: the term's gradient with respect to
 * those embeddings alone is taken from the tape of the same forward pass (a second backward pass over the
 * part of the tape between them and log π, no second forward pass), read to the host as a constant c, and
 * put into the loss as `Σ c·e − value(Σ c·e)`: zero in value, gradient exactly c for e, nothing for the
 * other weights. Its cost: one extra backward pass through the thought rollout per micro-batch, and the
 * tensors that backward pass saves stay alive until the outer backward pass ends.
 */
import { tf } from '@agent-forge/core';

/** The REINFORCE term's contribution to the loss, with its gradient going where `target` says. */
export function policyTerm(
  policy: tf.Scalar,
  policyWeight: number,
  target: 'all' | 'thoughts-only',
  thoughtEmbed: tf.Variable,
): tf.Scalar {
  if (target === 'all' || !underGradientTape()) return tf.mul(policy, policyWeight);
  const { grads } = tf.variableGrads(() => policy, [thoughtEmbed]);
  const gradient = grads[thoughtEmbed.name];
  if (!gradient) throw new Error('quietstar: the policy term does not depend on the thought embeddings');
  const host = gradient.dataSync() as Float32Array;
  gradient.dispose();
  const value = policy.dataSync()[0] ?? Number.NaN;
  return tf.tidy(() => {
    // Through the host: a constant, so the outer tape sees no path from it back to any weight.
    const constant = tf.mul(tf.tensor(host, thoughtEmbed.shape), policyWeight);
    const linear = tf.sum(tf.mul(constant, thoughtEmbed));
    const zero = tf.sub(linear, tf.scalar(linear.dataSync()[0] ?? Number.NaN));
    // The value stays the objective's (policyWeight · REINFORCE); only the gradient is restricted.
    return tf.add(zero, tf.scalar(policyWeight * value)) as tf.Scalar;
  });
}

/** True inside a gradient computation (the training step), false in evaluation (no tape to take a gradient on). */
function underGradientTape(): boolean {
  return tf.engine().state.gradientDepth > 0;
}
