/**
 * Causal multi-head self-attention with an additive mask, optional RoPE on queries and keys, and an
 * optional KV cache. Softmax scores are computed over all keys at once (no flash-style tiling): at a
 * context of 256 the [B, H, T, T] scores are small.
 */
import { tf } from '../backend/tf.js';
import type { LayerKvCache } from './cache.js';
import type { Linear, LinearFactory } from './linear.js';
import type { RotaryEmbedding } from './rotary.js';
import { FUSED_KERNELS, hasFusedKernel } from '../backend/kernels/native-addon.js';
import { mergeWeights, type WeightInit, type NamedVariables } from './weights.js';

/** Masked-out scores get this added: exp() underflows to exactly 0 yet no -Infinity NaNs appear. */
const MASKED_SCORE = -1e9;

/**
 * Additive causal mask `[queries, past + queries]`: 0 where query i (absolute position past + i) may
 * see key j, i.e. j ≤ past + i, and a large negative number above that diagonal.
 */
export function causalMask(queries: number, past: number): tf.Tensor2D {
  const keys = past + queries;
  const mask = new Float32Array(queries * keys);
  for (let i = 0; i < queries; i++) mask.fill(MASKED_SCORE, i * keys + past + i + 1, (i + 1) * keys);
  return tf.tensor2d(mask, [queries, keys]);
}

/** How a self-attention layer is built. */
export interface AttentionOptions {
  /** Weight-name prefix, e.g. `blocks.0.attn`. */
  readonly name: string;
  /** Model width. */
  readonly dModel: number;
  /** Attention heads (dModel must divide by it). */
  readonly nHeads: number;
  /** Init std of the q, k and v projections. */
  readonly initStd: number;
  /** Init std of the output projection, which writes into the residual stream. */
  readonly outputInitStd: number;
  /** The shared rotary embedding, or null for learned positions. */
  readonly rotary: RotaryEmbedding | null;
  /** Makes the four projections. */
  readonly createLinear: LinearFactory;
}

/** One attention call's heads, `[B, H, T, headSize]` (keys/values `[B, H, past + T, headSize]` with a cache); rotary applied. */
export interface AttentionHeads {
  /** Queries of the input tokens, rotated at their absolute positions. */
  readonly queries: tf.Tensor4D;
  /** Keys the queries may attend to (cached ones first), rotated. */
  readonly keys: tf.Tensor4D;
  /** Values beside `keys`. */
  readonly values: tf.Tensor4D;
}

/** What an `AttentionStep` gets besides the heads. */
export interface AttentionStepContext {
  /** Index of the block the attention belongs to (its KV-cache slot). */
  readonly layer: number;
  /** Core's own step for these heads: softmax(q·kᵀ/√d + mask)·v with the call's mask (fused when the native kernels are loaded). */
  standard(heads: AttentionHeads): tf.Tensor4D;
}

/**
 * A replacement for the attention core — the part between the projections and the output projection.
 * It returns the mixed values `[B, H, T, headSize]`; it may keep or extend the keys/values (then call
 * `context.standard`), or attend with a mask of its own (Quiet-STaR's thoughts).
 */
export type AttentionStep = (heads: AttentionHeads, context: AttentionStepContext) => tf.Tensor4D;

/** What one attention call needs besides its input. */
export interface AttentionCall {
  /** Absolute position of the input's first token. */
  readonly positionOffset: number;
  /** Additive mask `[T, past + T]`, or null when every key is visible (a single new token). */
  readonly mask: tf.Tensor2D | null;
  /** This layer's cache: read, then replaced by the longer keys/values. Null in training. */
  readonly cache: LayerKvCache | null;
  /** Replaces the attention core; absent: core's own (`AttentionStepContext.standard`). */
  readonly attend?: AttentionStep;
  /** Index of the calling block, passed to `attend`. Default 0. */
  readonly layer?: number;
  /** Rotary tables used instead of the layer's own (longer ones, for positions past the context); ignored without rotary positions. */
  readonly rotary?: RotaryEmbedding;
}

/** Multi-head causal self-attention without biases; `[B, T, dModel] → [B, T, dModel]`. */
export class CausalSelfAttention {
  /** Query projection `dModel → dModel` (`<name>.q`). */
  readonly q: Linear;
  /** Key projection `dModel → dModel` (`<name>.k`). */
  readonly k: Linear;
  /** Value projection `dModel → dModel` (`<name>.v`). */
  readonly v: Linear;
  /** Output projection `dModel → dModel` (`<name>.o`), which writes back into the residual stream. */
  readonly o: Linear;
  /** The four projections' weights by full name. */
  readonly weights: NamedVariables;
  private readonly headSize: number;

  constructor(
    private readonly options: AttentionOptions,
    init: WeightInit,
  ) {
    const { name, dModel, initStd, createLinear } = options;
    const spec = (part: string, std: number) => ({
      name: `${name}.${part}`,
      inFeatures: dModel,
      outFeatures: dModel,
      initStd: std,
    });
    this.q = createLinear(spec('q', initStd), init);
    this.k = createLinear(spec('k', initStd), init);
    this.v = createLinear(spec('v', initStd), init);
    this.o = createLinear(spec('o', options.outputInitStd), init);
    this.weights = mergeWeights(this.q, this.k, this.v, this.o);
    this.headSize = dModel / options.nHeads;
  }

  /** `[B, T, dModel] → [B, T, dModel]`. */
  apply(x: tf.Tensor3D, call: AttentionCall): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, length] = x.shape;
      let queries = this.splitHeads(this.q.apply(x), batch, length);
      let keys = this.splitHeads(this.k.apply(x), batch, length);
      let values = this.splitHeads(this.v.apply(x), batch, length);
      const rotary = this.options.rotary ? (call.rotary ?? this.options.rotary) : null;
      if (rotary) {
        queries = rotary.apply(queries, call.positionOffset);
        keys = rotary.apply(keys, call.positionOffset);
      }
      if (call.cache) [keys, values] = appendToCache(call.cache, keys, values);
      const heads = { queries, keys, values };
      const mixed = call.attend
        ? call.attend(heads, { layer: call.layer ?? 0, standard: (other) => this.standardStep(other, call.mask) })
        : this.standardStep(heads, call.mask);
      const merged = tf.reshape(swapHeadsAndTime(mixed), [batch, length, this.options.dModel]);
      return this.o.apply(merged) as tf.Tensor3D;
    });
  }

  /** softmax(q·kᵀ/√headSize + mask)·v. */
  private standardStep(heads: AttentionHeads, mask: tf.Tensor2D | null): tf.Tensor4D {
    const scores = tf.matMul(heads.queries, heads.keys, false, true) as tf.Tensor4D;
    return tf.matMul(attentionProbabilities(scores, mask, 1 / Math.sqrt(this.headSize)), heads.values);
  }

  /** `[B, T, dModel] → [B, H, T, headSize]`. */
  private splitHeads(x: tf.Tensor, batch: number, length: number): tf.Tensor4D {
    return swapHeadsAndTime(tf.reshape(x, [batch, length, this.options.nHeads, this.headSize]));
  }
}

/**
 * `[B, A, C, D] → [B, C, A, D]`. With one token (decoding) one of the swapped axes has size 1, so the
 * memory order is unchanged and a reshape (no copy) does it: 4 fewer Transpose kernels per layer and step.
 */
function swapHeadsAndTime(x: tf.Tensor4D): tf.Tensor4D {
  const [batch, a, c, d] = x.shape;
  if (a === 1 || c === 1) return tf.reshape(x, [batch, c, a, d]);
  return tf.transpose(x, [0, 2, 1, 3]);
}

/**
 * softmax(scale·scores + mask) over the keys. With the native kernels, one fused kernel forward and one
 * backward replace the scale, the mask, the softmax and their ~6 gradient kernels; the mask is a
 * constant, so only the scores get a gradient.
 */
function attentionProbabilities(scores: tf.Tensor4D, mask: tf.Tensor2D | null, scale: number): tf.Tensor4D {
  const maskFits = mask === null || (mask.shape[1] === scores.shape[3] && scores.shape[2] % mask.shape[0] === 0);
  if (!hasFusedKernel(FUSED_KERNELS.scaledSoftmax) || !maskFits) {
    const scaled = tf.mul(scores, scale);
    return tf.softmax(mask ? tf.add(scaled, mask) : scaled) as tf.Tensor4D;
  }
  const apply = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const value = tf
      .engine()
      .runKernel(FUSED_KERNELS.scaledSoftmax, mask ? { scores: x, mask } : { scores: x }, { scale }) as tf.Tensor;
    save([value]);
    const gradFunc = (dy: tf.Tensor, [probs]: tf.Tensor[]): tf.Tensor =>
      tf.engine().runKernel(FUSED_KERNELS.scaledSoftmaxGrad, { probs: probs as tf.Tensor, dy }, { scale }) as tf.Tensor;
    return { value, gradFunc };
  });
  return apply(scores) as tf.Tensor4D;
}

/** Concatenates the new keys/values after the cached ones and stores the result, kept past the tidy. */
function appendToCache(cache: LayerKvCache, keys: tf.Tensor4D, values: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
  const allKeys = cache.keys ? tf.concat([cache.keys, keys], 2) : keys;
  const allValues = cache.values ? tf.concat([cache.values, values], 2) : values;
  cache.keys?.dispose();
  cache.values?.dispose();
  cache.keys = tf.keep(allKeys);
  cache.values = tf.keep(allValues);
  return [allKeys, allValues];
}
