/**
 * The transformer path thoughts run on: the model's own embedding, blocks, final norm and head (core's
 * `TinyTitan.embedTokens` / `hidden` / `logits`), with Quiet-STaR's attention plugged into every block
 * through core's `AttentionStep` hook. Two calls:
 *
 * - `basePass`: the real tokens once through every block, causally (core's own attention), keeping each
 *   layer's keys/values.
 * - `thoughtStep`: one token per base position (a row of P parallel thoughts). Query p, at thought step s,
 *   attends to the base keys of positions ≤ its own and to the keys its own thought produced at steps
 *   1 … s — the paper's "diagonal" mask. The own-thought part is computed as a per-position dot product
 *   instead of a masked [P, s·P] block, which is the same softmax over the same keys with O(P·s) memory.
 *
 * A thought token of base position j at step s sits at absolute position j + s, as if it had been
 * inserted into the text after x_j; rotary tables are built long enough for that (learned position tables
 * clamp at the last row). Both passes run every block once (`sequentialBlocks`), also for models with an
 * ACT/memory runner; see `Thinker` for how the base prediction still uses the runner.
 */
import { RotaryEmbedding, causalMask, sequentialBlocks, tf } from '@agent-forge/core';
import type { AttentionHeads, TinyTitan } from '@agent-forge/core';

/** One layer's keys and values, `[N, H, length, headSize]`, rotary applied. */
export interface LayerKv {
  /** Keys `[N, H, length, headSize]`, rotary already applied at their absolute positions. */
  readonly keys: tf.Tensor4D;
  /** Values `[N, H, length, headSize]`. */
  readonly values: tf.Tensor4D;
}

/** What `ThoughtPath.basePass` returns; the caller disposes both parts (`disposeKv` for the keys/values). */
export interface BasePassOutput {
  /** Final-norm hidden states `[N, T, d]`, every block once. */
  readonly hidden: tf.Tensor3D;
  /** Each layer's keys/values of the real tokens, in block order: what thought steps attend to. */
  readonly kv: LayerKv[];
}

/**
 * A TinyTitan's blocks run once each with Quiet-STaR's attention plugged in, so thought tokens can attend
 * with the diagonal mask. Owns only its (longer) rotary tables: `dispose()` frees those, never the model.
 */
export class ThoughtPath {
  private readonly rotary: RotaryEmbedding | undefined;

  /** `extraPositions`: how far past the context thought tokens may sit (rotary table length). */
  constructor(
    /** The model whose blocks the path runs (shared, not copied; the path never disposes it). */
    readonly model: TinyTitan,
    extraPositions: number,
  ) {
    const { dModel, nHeads, contextLength, positions, ropeTheta } = model.config;
    this.rotary =
      positions === 'rotary'
        ? new RotaryEmbedding(dModel / nHeads, contextLength + extraPositions + 1, ropeTheta)
        : undefined;
  }

  /** Token embeddings `[N, P, d]` of tokens at absolute positions first … first + P − 1. */
  embed(tokens: tf.Tensor2D, firstPosition: number): tf.Tensor3D {
    return this.model.embedTokens(tokens, firstPosition);
  }

  /** Adds learned position rows (clamped to the table) to `x` `[N, P, d]`; rotary models add nothing here. */
  addPositions(x: tf.Tensor3D, firstPosition: number): tf.Tensor3D {
    return this.model.addPositions(x, firstPosition);
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
    // Past keys come in through the step below, not a cache, so the mask spans them explicitly.
    const mask = x.shape[1] > 1 ? causalMask(x.shape[1], offset) : null;
    const hidden = this.model.hidden(x, {
      positionOffset: offset,
      mask,
      rotary: this.rotary,
      runner: sequentialBlocks,
      attend: (heads, { layer, standard }) => {
        const before = past?.[layer];
        const all = before
          ? {
              queries: heads.queries,
              keys: tf.concat([before.keys, heads.keys], 2),
              values: tf.concat([before.values, heads.values], 2),
            }
          : heads;
        kv.push({ keys: tf.keep(all.keys), values: tf.keep(all.values) });
        return standard(all);
      },
    });
    mask?.dispose();
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
    return this.model.hidden(x, {
      positionOffset: firstBase + step,
      mask: null,
      rotary: this.rotary,
      runner: sequentialBlocks,
      attend: (heads, { layer }) => {
        const layerOwn = own[layer] as LayerKv[];
        layerOwn.push({ keys: tf.keep(heads.keys), values: tf.keep(heads.values) });
        return diagonalAttention(heads, base[layer] as LayerKv, baseMask, layerOwn);
      },
    });
  }

  /** Hidden `[N, P, d]` → logits `[N, P, V]` through the model's head (tied or not). */
  project(hidden: tf.Tensor3D): tf.Tensor3D {
    return this.model.logits(hidden);
  }

  /** Frees the rotary tables; the model is left alone. */
  dispose(): void {
    this.rotary?.dispose();
  }
}

/** @deprecated Renamed `ThoughtPath` (it now runs core's blocks through the attention hook); this alias goes in the next release. */
export const PlainPath = ThoughtPath;
/** @deprecated Renamed `ThoughtPath`. */
export type PlainPath = ThoughtPath;

/** Softmax over [visible base keys ‖ this position's own thought keys], one query per position. */
function diagonalAttention(
  heads: AttentionHeads,
  base: LayerKv,
  baseMask: tf.Tensor2D | null,
  own: readonly LayerKv[],
): tf.Tensor4D {
  const scale = 1 / Math.sqrt(heads.queries.shape[3]);
  let baseScores = tf.mul(tf.matMul(heads.queries, base.keys, false, true), scale);
  if (baseMask) baseScores = tf.add(baseScores, baseMask);
  // One [N, H, P] score per own step, stacked without the head dimension: stacking the [.., headSize]
  // keys themselves made the backward an Unpack of [N, H, P, s, headSize] per step, which took ~80 % of
  // a small-preset training step on wasm.
  const ownScores = tf.mul(
    tf.stack(
      own.map((entry) => tf.sum(tf.mul(heads.queries, entry.keys), -1)),
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
