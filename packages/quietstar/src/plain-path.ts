/**
 * The transformer path thoughts run on, rebuilt from TinyTitan's public parts (embedding, blocks'
 * norms / projections / MLPs, final norm, head) because `TinyTitan.forward` takes no custom attention and
 * returns no hidden states. Two calls:
 *
 * - `basePass`: the real tokens once through every block, causally, keeping each layer's keys/values.
 * - `thoughtStep`: one token per base position (a row of P parallel thoughts). Query p, at thought step s,
 *   attends to the base keys of positions ≤ its own and to the keys its own thought produced at steps
 *   1 … s — the paper's "diagonal" mask. The own-thought part is computed as a per-position dot product
 *   instead of a masked [P, s·P] block, which is the same softmax over the same keys with O(P·s) memory.
 *
 * A thought token of base position j at step s sits at absolute position j + s, as if it had been
 * inserted into the text after x_j; rotary tables are built long enough for that (learned position tables
 * clamp at the last row). Models with an ACT/memory runner use this plain path (each block once, no
 * memory read) for the thoughts; see `ThoughtModel` for how the base prediction still uses the runner.
 */
import { RotaryEmbedding, causalMask, tf } from '@agent-forge/core';
import type { Block, TinyTitan } from '@agent-forge/core';

/** One layer's keys and values, `[N, H, length, headSize]`, rotary applied. */
export interface LayerKv {
  /** Keys `[N, H, length, headSize]`, rotary already applied at their absolute positions. */
  readonly keys: tf.Tensor4D;
  /** Values `[N, H, length, headSize]`. */
  readonly values: tf.Tensor4D;
}

/** What `PlainPath.basePass` returns; the caller disposes both parts (`disposeKv` for the keys/values). */
export interface BasePassOutput {
  /** Final-norm hidden states `[N, T, d]` of the plain path. */
  readonly hidden: tf.Tensor3D;
  /** Each layer's keys/values of the real tokens, in block order: what thought steps attend to. */
  readonly kv: LayerKv[];
}

interface Heads {
  readonly q: tf.Tensor4D;
  readonly k: tf.Tensor4D;
  readonly v: tf.Tensor4D;
}

/**
 * A TinyTitan's transformer run block by block (every block once, no ACT, no memory read) with a
 * pluggable attention core, so thought tokens can attend with the diagonal mask. Owns only its rotary
 * tables: `dispose()` frees those, never the model.
 */
export class PlainPath {
  private readonly rotary: RotaryEmbedding | null;
  private readonly headSize: number;

  /** `extraPositions`: how far past the context thought tokens may sit (rotary table length). */
  constructor(
    /** The model whose weights the path reads (shared, not copied; the path never disposes it). */
    readonly model: TinyTitan,
    extraPositions: number,
  ) {
    const { dModel, nHeads, contextLength, positions, ropeTheta } = model.config;
    this.headSize = dModel / nHeads;
    this.rotary =
      positions === 'rotary' ? new RotaryEmbedding(this.headSize, contextLength + extraPositions + 1, ropeTheta) : null;
  }

  /** Token embeddings `[N, P, d]` of tokens at absolute positions first … first + P − 1. */
  embed(tokens: tf.Tensor2D, firstPosition: number): tf.Tensor3D {
    return tf.tidy(() => this.addPositions(tf.gather(this.model.embed, tokens) as tf.Tensor3D, firstPosition));
  }

  /** Adds learned position rows (clamped to the table) to `x` `[N, P, d]`; rotary models add nothing here. */
  addPositions(x: tf.Tensor3D, firstPosition: number): tf.Tensor3D {
    const table = this.model.positionEmbed;
    if (!table) return x;
    return tf.tidy(() => {
      const last = this.model.config.contextLength - 1;
      const rows = Int32Array.from({ length: x.shape[1] }, (_, i) => Math.min(firstPosition + i, last));
      return tf.add(x, tf.gather(table, tf.tensor1d(rows, 'int32'))) as tf.Tensor3D;
    });
  }

  /** Real tokens through every block once with the causal mask; the caller disposes the output. */
  basePass(x: tf.Tensor3D): BasePassOutput {
    return this.extendBase(x, null);
  }

  /**
   * `basePass` continued: `x` `[N, T, d]` holds the tokens after the `past` ones (positions already added
   * by `embed`), attending causally to themselves and to `past`'s keys/values. Returns their hidden
   * states and the keys/values of past and new tokens together (new tensors; `past` is left as it was).
   * Decoding with thoughts feeds one token at a time this way instead of re-encoding the prefix.
   */
  extendBase(x: tf.Tensor3D, past: readonly LayerKv[] | null): BasePassOutput {
    const kv: LayerKv[] = [];
    const offset = past?.[0]?.keys.shape[2] ?? 0;
    const hidden = tf.tidy(() => {
      const length = x.shape[1];
      const mask = length > 1 ? causalMask(length, offset) : null;
      let stream = x;
      for (const block of this.model.blocks) {
        stream = this.applyBlock(
          block,
          stream,
          (heads) => {
            const before = past?.[block.index];
            const all = before
              ? { ...heads, k: tf.concat([before.keys, heads.k], 2), v: tf.concat([before.values, heads.v], 2) }
              : heads;
            kv.push({ keys: tf.keep(all.k), values: tf.keep(all.v) });
            return baseAttention(all, mask, this.headSize);
          },
          offset,
        );
      }
      return this.model.finalNorm.apply(stream) as tf.Tensor3D;
    });
    return { hidden, kv };
  }

  /**
   * One parallel thought step: `x` `[N, P, d]` holds one token per base position, the first at base
   * position `firstBase`; `step` ≥ 1 is the thought step. `baseMask` `[P, T]` says which base keys each row
   * sees (null: all). `own[layer]` collects this thought's keys/values and grows by one entry per call.
   */
  thoughtStep(
    x: tf.Tensor3D,
    firstBase: number,
    step: number,
    base: readonly LayerKv[],
    baseMask: tf.Tensor2D | null,
    own: LayerKv[][],
  ): tf.Tensor3D {
    return tf.tidy(() => {
      let stream = x;
      for (const block of this.model.blocks) {
        const layerOwn = own[block.index] as LayerKv[];
        stream = this.applyBlock(
          block,
          stream,
          (heads) => {
            layerOwn.push({ keys: tf.keep(heads.k), values: tf.keep(heads.v) });
            return diagonalAttention(heads, base[block.index] as LayerKv, baseMask, layerOwn, this.headSize);
          },
          firstBase + step,
        );
      }
      return this.model.finalNorm.apply(stream) as tf.Tensor3D;
    });
  }

  /** Hidden `[N, P, d]` → logits `[N, P, V]` through the model's head (tied or not). */
  project(hidden: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [n, p, d] = hidden.shape;
      if (this.model.head) return this.model.head.apply(hidden) as tf.Tensor3D;
      const flat = tf.reshape(hidden, [-1, d]) as tf.Tensor2D;
      return tf.reshape(tf.matMul(flat, this.model.embed as tf.Variable<tf.Rank.R2>, false, true), [
        n,
        p,
        this.model.config.vocabSize,
      ]);
    });
  }

  /** Frees the rotary tables; the model is left alone. */
  dispose(): void {
    this.rotary?.dispose();
  }

  /** Pre-norm block with a pluggable attention core; queries/keys rotate from `firstPosition`. */
  private applyBlock(
    block: Block,
    x: tf.Tensor3D,
    attend: (heads: Heads) => tf.Tensor4D,
    firstPosition: number,
  ): tf.Tensor3D {
    const [n, p, d] = x.shape;
    const normed = block.attentionNorm.apply(x);
    const { attention } = block;
    const split = (t: tf.Tensor): tf.Tensor4D =>
      tf.transpose(tf.reshape(t, [n, p, this.model.config.nHeads, this.headSize]), [0, 2, 1, 3]);
    let q = split(attention.q.apply(normed));
    let k = split(attention.k.apply(normed));
    if (this.rotary) {
      q = this.rotary.apply(q, firstPosition);
      k = this.rotary.apply(k, firstPosition);
    }
    const mixed = attend({ q, k, v: split(attention.v.apply(normed)) });
    const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [n, p, d]);
    const afterAttention = tf.add(x, attention.o.apply(merged)) as tf.Tensor3D;
    return tf.add(afterAttention, block.mlp.apply(block.mlpNorm.apply(afterAttention))) as tf.Tensor3D;
  }
}

function baseAttention(heads: Heads, mask: tf.Tensor2D | null, headSize: number): tf.Tensor4D {
  let scores = tf.mul(tf.matMul(heads.q, heads.k, false, true), 1 / Math.sqrt(headSize));
  if (mask) scores = tf.add(scores, mask);
  return tf.matMul(tf.softmax(scores), heads.v);
}

/** Softmax over [visible base keys ‖ this position's own thought keys], one query per position. */
function diagonalAttention(
  heads: Heads,
  base: LayerKv,
  baseMask: tf.Tensor2D | null,
  own: readonly LayerKv[],
  headSize: number,
): tf.Tensor4D {
  const scale = 1 / Math.sqrt(headSize);
  let baseScores = tf.mul(tf.matMul(heads.q, base.keys, false, true), scale);
  if (baseMask) baseScores = tf.add(baseScores, baseMask);
  // One [N, H, P] score per own step, stacked without the head dimension: stacking the [.., headSize]
  // keys themselves made the backward an Unpack of [N, H, P, s, headSize] per step, which took ~80 % of
  // a small-preset training step on wasm.
  const ownScores = tf.mul(
    tf.stack(
      own.map((entry) => tf.sum(tf.mul(heads.q, entry.keys), -1)),
      3,
    ),
    scale,
  );
  const probabilities = tf.softmax(tf.concat([baseScores, ownScores], 3));
  const baseLength = base.keys.shape[2];
  const [baseProbabilities, ...ownProbabilities] = tf.split(probabilities, [baseLength, ...own.map(() => 1)], 3);
  const fromOwn = own.map((entry, i) => tf.mul(ownProbabilities[i] as tf.Tensor4D, entry.values));
  return tf.addN([tf.matMul(baseProbabilities as tf.Tensor4D, base.values), ...fromOwn]) as tf.Tensor4D;
}

/** Frees the kept keys/values of a base pass or of a thought's own steps. */
export function disposeKv(entries: Iterable<LayerKv>): void {
  for (const entry of entries) {
    entry.keys.dispose();
    entry.values.dispose();
  }
}
