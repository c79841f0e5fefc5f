/**
 * The BitNet b1.58 quantizers (Ma et al. 2024, arXiv:2402.17764; the authors' "Training Tips, Code
 * and FAQ"): absmean ternary weights per tensor, absmax 8-bit activations per token, and the
 * parameter-free RMSNorm that sits in front of the activation quantizer. Pure forward maps here;
 * the straight-through gradients are added in ste.ts.
 */
import { tf } from '../backend/tf.js';

/** Guards the divisions: an all-zero weight or token quantizes to zeros instead of NaN. */
export const QUANT_EPS = 1e-5;

/** A weight tensor as ternary codes {−1, 0, +1} (stored as float32) and the per-tensor scale γ. */
export interface TernaryWeight {
  /** The codes W_q ∈ {−1, 0, +1}, float32, same shape as the weight. */
  readonly ternary: tf.Tensor;
  /** γ = mean|W| of the whole tensor; W ≈ W_q · γ. */
  readonly scale: tf.Scalar;
}

/**
 * γ = mean|W|, W_q = clip(round(W / (γ + ε)), −1, 1). The FAQ code clamps γ at ε instead of adding
 * it; the two differ by at most ε/γ relative, and this is the form the issue specifies.
 */
export function absmeanTernary(weight: tf.Tensor): TernaryWeight {
  return tf.tidy(() => {
    const scale = tf.mean(tf.abs(weight)) as tf.Scalar;
    const ternary = tf.clipByValue(tf.round(tf.div(weight, tf.add(scale, QUANT_EPS))), -1, 1);
    return { ternary, scale };
  });
}

/** The dense weight the layer multiplies by: W_q · γ. */
export function dequantizeTernary(quantized: TernaryWeight): tf.Tensor {
  return tf.mul(quantized.ternary, quantized.scale);
}

/** W ↦ W_q · γ in one call (what the forward pass uses). */
export function ternaryWeight(weight: tf.Tensor): tf.Tensor {
  return tf.tidy(() => dequantizeTernary(absmeanTernary(weight)));
}

/**
 * Per-token absmax: each row of the last axis is scaled so its largest magnitude maps to
 * Qp = 2^(bits−1) − 1, rounded, clipped to [−Qp − 1, Qp], and scaled back. The result holds
 * integers divided by the row's scale, i.e. exactly the values an int8 kernel would see.
 */
export function absmaxActivations(x: tf.Tensor, bits: number): tf.Tensor {
  const positiveLimit = 2 ** (bits - 1) - 1;
  return tf.tidy(() => {
    const rowScale = tf.div(positiveLimit, tf.maximum(tf.max(tf.abs(x), -1, true), QUANT_EPS));
    const levels = tf.clipByValue(tf.round(tf.mul(x, rowScale)), -positiveLimit - 1, positiveLimit);
    return tf.div(levels, rowScale);
  });
}

/**
 * RMSNorm without a gain (the FAQ's BitLinear): keeps the absmax range of every token comparable, and
 * adds no weight, so a dense checkpoint still loads into a BitLinear model name for name.
 */
export function parameterFreeRmsNorm(x: tf.Tensor, eps: number): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))));
}
