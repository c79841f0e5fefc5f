/**
 * Next-token cross-entropy. The log-softmax is taken over the full vocabulary and the target's entry is
 * picked with a one-hot product rather than a gather, whose gradient (UnsortedSegmentSum) not every
 * backend has (bench-backend REPORT F3).
 */
import { tf } from '../backend/tf.js';

/**
 * Mean `-log p(target)` over the positions of `logits` `[B, T, V]` and `targets` `[B, T]` (int32).
 * With `ignoreId`, positions whose target is that id (padding) count neither in the sum nor the mean.
 */
export function crossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, ignoreId?: number): tf.Scalar {
  return tf.tidy(() => {
    const vocabSize = logits.shape[2];
    const flatTargets = tf.reshape(targets, [-1]) as tf.Tensor1D;
    const logProbs = tf.logSoftmax(tf.reshape(logits, [-1, vocabSize]));
    const targetLogProbs = tf.sum(tf.mul(logProbs, tf.oneHot(flatTargets, vocabSize)), -1);
    if (ignoreId === undefined) return tf.neg(tf.mean(targetLogProbs)) as tf.Scalar;
    const counted = tf.cast(tf.notEqual(flatTargets, ignoreId), 'float32');
    // max(·, 1): an all-padding batch gives loss 0, not 0/0.
    return tf.neg(tf.div(tf.sum(tf.mul(targetLogProbs, counted)), tf.maximum(tf.sum(counted), 1))) as tf.Scalar;
  });
}
