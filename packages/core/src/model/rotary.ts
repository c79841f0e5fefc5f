/**
 * Rotary position embedding (RoPE, Su et al. 2021, https://arxiv.org/abs/2104.09864), in the
 * "rotate half" layout of GPT-NeoX and HF llama: dimension i pairs with i + headSize/2.
 * The cos/sin tables cover the whole context once; a call slices the rows of its absolute positions,
 * which is what lets the KV cache feed one token at position p.
 */
import { FUSED_KERNELS, hasFusedKernel } from '../backend/kernels/native-addon.js';
import { tf } from '../backend/tf.js';

/** Precomputed RoPE tables shared by every attention layer of a model; owns two `[contextLength, headSize]` tensors. */
export class RotaryEmbedding {
  private readonly cos: tf.Tensor2D;
  private readonly sin: tf.Tensor2D;
  /**
   * rotate_half as a signed permutation: x·R = concat(−x₂, x₁). One matrix product (forward and
   * gradient) instead of a split, a negation and a concat on the innermost axis — strided copies that
   * were ~10 % of a `paper` step on wasm. Exact: each output is ±1 times one input plus zeros.
   */
  private readonly rotateHalf: tf.Tensor2D;

  constructor(
    /** Per-head width (dModel / nHeads); must be even. */
    readonly headSize: number,
    /** Most positions the tables cover; a call past it fails. */
    readonly contextLength: number,
    theta: number,
  ) {
    const half = headSize / 2;
    const cos = new Float32Array(contextLength * headSize);
    const sin = new Float32Array(contextLength * headSize);
    for (let position = 0; position < contextLength; position++) {
      for (let i = 0; i < half; i++) {
        const angle = position * theta ** (-(2 * i) / headSize);
        const row = position * headSize;
        cos[row + i] = cos[row + i + half] = Math.cos(angle);
        sin[row + i] = sin[row + i + half] = Math.sin(angle);
      }
    }
    this.cos = tf.tensor2d(cos, [contextLength, headSize]);
    this.sin = tf.tensor2d(sin, [contextLength, headSize]);
    const rotateHalf = new Float32Array(headSize * headSize);
    for (let i = 0; i < half; i++) {
      rotateHalf[(i + half) * headSize + i] = -1; // output i takes −x[i + half]
      rotateHalf[i * headSize + i + half] = 1; // output i + half takes x[i]
    }
    this.rotateHalf = tf.tensor2d(rotateHalf, [headSize, headSize]);
  }

  /** Rotates `x` `[B, H, T, headSize]` whose first token sits at absolute position `offset`. */
  apply(x: tf.Tensor4D, offset: number): tf.Tensor4D {
    if (hasFusedKernel(FUSED_KERNELS.rope) && x.dtype === 'float32') return this.applyFused(x, offset);
    return tf.tidy(() => {
      const length = x.shape[2];
      const cos = tf.slice(this.cos, [offset, 0], [length, this.headSize]);
      const sin = tf.slice(this.sin, [offset, 0], [length, this.headSize]);
      // One [B·H·T, headSize] product rather than B·H batched slices.
      const rotated = tf.reshape(tf.matMul(tf.reshape(x, [-1, this.headSize]), this.rotateHalf), x.shape);
      return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
    });
  }

  /**
   * The native kernel each way (`ForgeRope`, its gradient the same kernel inverted). It reads the whole
   * tables at `offset`, which this object keeps, so the gradient needs nothing saved from the forward.
   */
  private applyFused(x: tf.Tensor4D, offset: number): tf.Tensor4D {
    const { cos, sin } = this;
    const rope = (input: tf.Tensor, inverse: boolean): tf.Tensor =>
      tf.engine().runKernel(FUSED_KERNELS.rope, { x: input, cos, sin }, { offset, inverse }) as tf.Tensor;
    const apply = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const value = rope(args[0] as tf.Tensor, false);
      return { value, gradFunc: (dy: tf.Tensor): tf.Tensor => rope(dy, true) };
    });
    return apply(x) as tf.Tensor4D;
  }

  /** Free the cos/sin tables and the rotation; the model calls it from its own dispose. */
  dispose(): void {
    this.cos.dispose();
    this.sin.dispose();
    this.rotateHalf.dispose();
  }
}
