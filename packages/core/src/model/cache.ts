/**
 * The KV cache for incremental decoding: per layer, the keys and values of every position processed so
 * far (`[B, H, length, headSize]`, rotary already applied), so a new token attends to them without
 * recomputing the prefix. It also holds the inference copy of a tied head, transposed once when the
 * cache is created: `x·Eᵀ` re-transposes the whole embedding on every call on wasm (bench-backend
 * REPORT F5), while a snapshot per cache can never go stale, however the weights changed before.
 */
import type { tf } from '../backend/tf.js';

/** One attention layer's cached keys and values; null until the first step. */
export interface LayerKvCache {
  /** Keys of every cached position, `[B, H, length, headSize]`, rotary applied. */
  keys: tf.Tensor4D | null;
  /** Values of every cached position, `[B, H, length, headSize]`. */
  values: tf.Tensor4D | null;
}

/** Decoding state for `TinyTitan.forwardStep`: per-layer keys/values and a tied-head snapshot. Make one with `model.createCache()` and dispose it after use. */
export class KvCache {
  /** One entry per block, in order; attention replaces its entry's tensors as positions are added. */
  readonly layers: LayerKvCache[];
  private cachedLength = 0;

  constructor(
    layerCount: number,
    /** Most positions the cache may hold: the model's context length. */
    readonly contextLength: number,
    /** `embed`ᵀ `[dModel, V]` when the head is tied; null otherwise. Owned (and disposed) by the cache. */
    private transposedHead: tf.Tensor2D | null = null,
  ) {
    this.layers = Array.from({ length: layerCount }, () => ({ keys: null, values: null }));
  }

  /** Positions already cached: the absolute position of the next token fed. */
  get length(): number {
    return this.cachedLength;
  }

  /** The pre-transposed tied head, or null (untied head, or disposed). */
  get inferenceHead(): tf.Tensor2D | null {
    return this.transposedHead;
  }

  /** Records that `count` positions were appended to every layer. */
  advance(count: number): void {
    this.cachedLength += count;
  }

  /** Frees every tensor; the cache is empty afterwards and decodes with the untransposed head if reused. */
  dispose(): void {
    this.transposedHead?.dispose();
    this.transposedHead = null;
    for (const layer of this.layers) {
      layer.keys?.dispose();
      layer.values?.dispose();
      layer.keys = null;
      layer.values = null;
    }
    this.cachedLength = 0;
  }
}
