import { tf } from '../backend/tf.js';
import type { Tensor } from '../backend/tf.js';

/** Gradients by weight name; every tensor is owned by the map's holder and must be disposed. */
export type GradientMap = Map<string, Tensor>;

/**
 * A hook between backward and the optimizer: Grokfast (forge-train) and friends plug in here.
 * `apply` returns a new map and must dispose what it replaces; `state`/`loadState` let a
 * transform with memory (an EMA of past gradients) survive a resume exactly.
 */
export interface GradientTransform {
  /** Unique name; the transform's state is saved under `transform/<name>/` in the training state. */
  readonly name: string;
  /** Transform the step's gradients (before clipping); `step` is the 1-based optimizer step. */
  apply(gradients: GradientMap, step: number): GradientMap;
  /** Tensors to save with each checkpoint; still owned by the transform. */
  state?(): Map<string, Tensor>;
  /** Restore what `state()` returned, on resume. */
  loadState?(state: Map<string, Tensor>): void;
  /** Free the transform's tensors at the end of training. */
  dispose?(): void;
}

/** Global L2 norm over all gradients, as a number. */
export function globalNorm(gradients: GradientMap): number {
  const squared = tf.tidy(() => tf.addN([...gradients.values()].map((g) => tf.sum(tf.square(g)))));
  const value = squared.dataSync()[0] ?? 0;
  squared.dispose();
  return Math.sqrt(value);
}

/**
 * Scale every gradient by maxNorm / norm when the global norm exceeds maxNorm.
 * Returns the norm before clipping, for logging; the map is updated in place.
 */
export function clipByGlobalNorm(gradients: GradientMap, maxNorm: number): number {
  const norm = globalNorm(gradients);
  if (maxNorm > 0 && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (const [name, grad] of gradients) {
      gradients.set(
        name,
        tf.tidy(() => tf.mul(grad, scale)),
      );
      grad.dispose();
    }
  }
  return norm;
}

/** Dispose every gradient tensor and empty the map. */
export function disposeGradients(gradients: GradientMap): void {
  for (const grad of gradients.values()) grad.dispose();
  gradients.clear();
}
