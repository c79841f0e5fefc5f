import { FUSED_KERNELS, hasFusedKernel } from '../backend/kernels/native-addon.js';

/** The model dimensions activation memory depends on. */
export interface ActivationShape {
  /** Width of the residual stream. */
  dModel: number;
  /** Number of transformer blocks. */
  nLayers: number;
  /** Attention heads per block; the T×T scores scale with it. */
  nHeads: number;
  /** Vocabulary size; the logits `[T, vocabSize]` are often the largest activation of a small model. */
  vocabSize: number;
  /** MLP hidden width; default 4 × dModel. */
  dFF?: number;
}

/**
 * Measured peak over the plain count, with a 1.5× margin: tensor ops keep every intermediate of the
 * forward for the backward (the cognate phase measured ~4× on wasm's own kernels: 6 = 4 × 1.5); the
 * native kernels' fused norms, activations, attention softmax and cross-entropy keep far fewer
 * (`paper`, 2 threads: 245 MB per sequence measured against a plain count of 123 MB, 2× → 3).
 */
const TFJS_OVERHEAD = 6;
const FUSED_OVERHEAD = 3;
const BYTES_PER_FLOAT = 4;

/**
 * Rough bytes of float32 activations one sequence of `length` tokens keeps alive through
 * forward and backward: per layer the residual stream, norms, q/k/v/out and MLP hidden states,
 * plus the T×T attention scores and probabilities per head; then logits, log-probs and their
 * gradient over the vocabulary. tfjs keeps every intermediate of the forward (reshapes, transposes,
 * rotary halves, masks) alive for the backward and allocates the gradients beside them: the cognate
 * phase measured peak memory at about 4× the plain count, so the count is scaled by 6 (4 × 1.5 margin);
 * with the native kernels' fused ops (`fused`, the default when they are registered) by 3.
 */
export function activationBytesPerSequence(
  shape: ActivationShape,
  length: number,
  fused = hasFusedKernel(FUSED_KERNELS.norm),
): number {
  const hidden = shape.dFF ?? 4 * shape.dModel;
  const perLayer = length * (10 * shape.dModel + 3 * hidden) + 3 * shape.nHeads * length * length;
  const head = 3 * length * shape.vocabSize;
  return Math.ceil((fused ? FUSED_OVERHEAD : TFJS_OVERHEAD) * BYTES_PER_FLOAT * (shape.nLayers * perLayer + head));
}

/**
 * The largest micro-batch that divides `batchSize` and fits `budgetBytes`, so gradient
 * accumulation over `batchSize / micro` passes gives exactly the full-batch gradient.
 */
export function chooseMicroBatch(batchSize: number, bytesPerSequence: number, budgetBytes: number): number {
  for (let micro = batchSize; micro > 1; micro--) {
    if (batchSize % micro === 0 && micro * bytesPerSequence <= budgetBytes) return micro;
  }
  return 1;
}
