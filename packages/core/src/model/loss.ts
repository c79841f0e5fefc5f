/**
 * Next-token cross-entropy. The log-softmax is taken over the full vocabulary and the target's entry is
 * picked with a one-hot product rather than a gather, whose gradient (UnsortedSegmentSum) not every
 * backend has (bench-backend REPORT F3).
 */
import { FUSED_KERNELS, hasFusedKernel } from '../backend/kernels/native-addon.js';
import { tf } from '../backend/tf.js';

/**
 * log p(target) per row of [rows, vocab] logits. With the native kernels, one fused kernel (and one
 * for its gradient) replaces the log-softmax, the [rows, vocab] one-hot, the product and the sum.
 */
function targetLogProbsOf(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  if (!hasFusedKernel(FUSED_KERNELS.logSoftmaxPick)) {
    return tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(targets, logits.shape[1])), -1);
  }
  const pick = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const [value, logSumExp] = tf.engine().runKernel(FUSED_KERNELS.logSoftmaxPick, { logits: x, targets }) as [
      tf.Tensor,
      tf.Tensor,
    ];
    // The targets are saved too: the gradient runs after the caller's tidy has let go of them.
    save([x, targets, logSumExp]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      const [savedLogits, savedTargets, savedLogSumExp] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return tf.engine().runKernel(FUSED_KERNELS.logSoftmaxPickGrad, {
        logits: savedLogits,
        targets: savedTargets,
        logSumExp: savedLogSumExp,
        dy,
      }) as tf.Tensor;
    };
    return { value, gradFunc };
  });
  return pick(logits) as tf.Tensor1D;
}

/**
 * Mean `-log p(target)` over the positions of `logits` `[B, T, V]` and `targets` `[B, T]` (int32).
 * With `ignoreId`, positions whose target is that id (padding) count neither in the sum nor the mean.
 */
export function crossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, ignoreId?: number): tf.Scalar {
  return tf.tidy(() => {
    const vocabSize = logits.shape[2];
    const flatTargets = tf.reshape(targets, [-1]) as tf.Tensor1D;
    const targetLogProbs = targetLogProbsOf(tf.reshape(logits, [-1, vocabSize]) as tf.Tensor2D, flatTargets);
    if (ignoreId === undefined) return tf.neg(tf.mean(targetLogProbs)) as tf.Scalar;
    const counted = tf.cast(tf.notEqual(flatTargets, ignoreId), 'float32');
    // max(·, 1): an all-padding batch gives loss 0, not 0/0.
    return tf.neg(tf.div(tf.sum(tf.mul(targetLogProbs, counted)), tf.maximum(tf.sum(counted), 1))) as tf.Scalar;
  });
}
