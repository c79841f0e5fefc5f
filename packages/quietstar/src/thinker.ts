/**
 * `Thinker`: a TinyTitan plus what Quiet-STaR adds — the learned start/end-of-thought embeddings (the
 * tokenizer's reserved slots), the mixing head and the settings — and the base pass every thought hangs
 * off. It is also the `TrainableModel` the core loop trains (`namedWeights` + `loss`, see objective.ts).
 *
 * Base prediction vs thoughts: the base hidden states (what "without thoughts" predicts) come from the
 * model's own block runner, so a model with ACT + memory (`extensions.titan`) predicts exactly as it did
 * before this phase when w = 0. Thoughts cannot go through the TitanRunner (it has no per-row attention
 * mask and ponders the whole stack), so they run on the plain path: every block once, no memory read,
 * attending to the keys/values of a plain base pass over the same tokens. Both passes run core's own
 * blocks (`TinyTitan.hidden` with an attention hook), so a change to the block reaches the thoughts too.
 */
import { BYTE_OFFSET, SPECIAL_IDS, TitanRunner, sequentialBlocks, tf } from '@agent-forge/core';
import type { KvCache, TinyTitan } from '@agent-forge/core';
import { MixingHead } from './mixing-head.js';
import { ThoughtPath, disposeKv, type LayerKv } from './thought-path.js';
import { trainingSteps, type QuietStarSettings } from './settings.js';

/**
 * Name of the `[2, d]` start/end-of-thought embedding: in `Thinker.namedWeights()` (stored divided by
 * `thoughtEmbeddingScale`) and in the sidecar (stored as used, not divided).
 */
export const THOUGHT_EMBED_NAME = 'quietstar.thought_embed';

/** The base pass of `Thinker.base`: what every thought of the batch hangs off. Free it with `disposeBase`. */
export interface BaseOutput {
  /** The model's own final hidden states `[B, T, d]` (through its block runner). */
  readonly hidden: tf.Tensor3D;
  /** Plain-path keys/values of the base tokens, one per layer. */
  readonly kv: LayerKv[];
  /** τ·mean(N + R) of the runner pass, still on the tape; null without ACT (or τ = 0). */
  readonly ponderCost: tf.Scalar | null;
}

/** Trained Quiet-STaR weights to start a `Thinker` from (a loaded sidecar); absent parts start fresh. */
export interface ThinkerWeights {
  /** `[2, d]`: start and end embeddings as used (not divided by the scale). */
  readonly thoughtEmbeddings?: tf.Tensor;
  /** Mixing head weights by name. */
  readonly mixer?: ReadonlyMap<string, tf.Tensor>;
}

/**
 * A TinyTitan wrapped for Quiet-STaR: the plain path thoughts run on, the mixing head and the learned
 * start/end-of-thought embeddings. It is a core `TrainableModel` (`namedWeights` + the objective's loss).
 * `dispose()` frees what the thinker added, not the model.
 */
export class Thinker {
  /** The block-by-block path thoughts run on (diagonal attention over the base keys/values). */
  readonly path: ThoughtPath;
  /** Mixes base and post-thought hidden states with a learned weight w (0 at init: the base prediction). */
  readonly mixer: MixingHead;
  /** Start/end embeddings divided by `thoughtEmbeddingScale` (the meta-token gradient weighting). */
  readonly thoughtEmbed: tf.Variable;

  constructor(
    /** The language model, shared: its weights are trained in place and the thinker never disposes it. */
    readonly model: TinyTitan,
    /** Thought shape, sampling and REINFORCE settings (parsed, defaults filled). */
    readonly settings: QuietStarSettings,
    weights: ThinkerWeights = {},
    seed = 0,
  ) {
    const { dModel } = model.config;
    this.path = new ThoughtPath(model, trainingSteps(settings) + 1);
    this.mixer = new MixingHead(dModel, settings.mixerHidden ?? dModel, seed, settings.mixWeight);
    if (weights.mixer)
      for (const [name, variable] of this.mixer.weights) variable.assign(weights.mixer.get(name) as tf.Tensor);
    const initial = weights.thoughtEmbeddings ?? metaRows(model);
    this.thoughtEmbed = tf.tidy(() => tf.variable(tf.div(initial, settings.thoughtEmbeddingScale)));
    // The caller owns weights it passed; rows made here are this constructor's to free.
    if (initial !== weights.thoughtEmbeddings) initial.dispose();
  }

  /** Every trained weight: the LM's, the mixing head's and the scaled meta-token embeddings. */
  namedWeights(): Map<string, tf.Variable> {
    return new Map([...this.model.namedWeights(), ...this.mixer.weights, [THOUGHT_EMBED_NAME, this.thoughtEmbed]]);
  }

  /** The start (0) or end (1) embedding, broadcast to `[N, P, d]` at positions first … first + P − 1. */
  metaEmbedding(which: 0 | 1, rows: number, length: number, firstPosition: number): tf.Tensor3D {
    return tf.tidy(() => {
      const { dModel } = this.model.config;
      const row = tf.mul(tf.slice(this.thoughtEmbed, [which, 0], [1, dModel]), this.settings.thoughtEmbeddingScale);
      const tiled = tf.tile(tf.reshape(row, [1, 1, dModel]), [rows, length, 1]) as tf.Tensor3D;
      return this.path.addPositions(tiled, firstPosition);
    });
  }

  /** The start/end embeddings as used, `[2, d]` (a new tensor). */
  thoughtEmbeddings(): tf.Tensor2D {
    return tf.tidy(() => tf.mul(this.thoughtEmbed, this.settings.thoughtEmbeddingScale) as tf.Tensor2D);
  }

  /**
   * Writes the learned start/end embeddings into their reserved rows of `embed.weight`, so ids 3/4 fed to
   * `model.forward` mean the learned markers (used to check thoughts against sequential insertion). With a
   * tied head this also changes the logits of ids 3/4, so saving does not do it.
   */
  commitThoughtEmbeddings(): void {
    const { startOfThought, endOfThought } = SPECIAL_IDS;
    tf.tidy(() => {
      const learned = this.thoughtEmbeddings();
      const rows = tf.tensor1d([startOfThought, endOfThought], 'int32');
      const updated = tf.tensorScatterUpdate(this.model.embed, tf.reshape(rows, [2, 1]), learned);
      this.model.embed.assign(updated);
    });
  }

  /** Base pass over `inputs` `[B, T]`: the model's hidden states and the plain path's keys/values. */
  base(inputs: tf.Tensor2D): BaseOutput {
    const x = this.path.embed(inputs, 0);
    try {
      const plain = this.path.basePass(x);
      if (this.runsPlainly) return { hidden: plain.hidden, kv: plain.kv, ponderCost: null };
      plain.hidden.dispose();
      return {
        hidden: this.runnerHidden(x, null),
        kv: plain.kv,
        ponderCost: weightedPonderCost(this.model.blockRunner),
      };
    } finally {
      x.dispose();
    }
  }

  /** True when the model runs its blocks once each (no ACT/memory runner): the plain path's hidden states are its own. */
  get runsPlainly(): boolean {
    return this.model.blockRunner === sequentialBlocks;
  }

  /**
   * The model's own final hidden states for embedded tokens `x` `[B, T, d]` through its block runner:
   * a whole sequence from position 0 with `cache` null, or the next T positions of a decoding `cache`
   * (which this advances by T).
   */
  runnerHidden(x: tf.Tensor3D, cache: KvCache | null): tf.Tensor3D {
    const hidden = this.model.hidden(x, { cache });
    cache?.advance(x.shape[1]);
    return hidden;
  }

  /** Frees the path's rotary tables, the mixing head and the thought embeddings; the model stays usable. */
  dispose(): void {
    this.path.dispose();
    this.mixer.dispose();
    this.thoughtEmbed.dispose();
  }
}

/** Frees a base pass. */
export function disposeBase(base: BaseOutput): void {
  base.hidden.dispose();
  base.ponderCost?.dispose();
  disposeKv(base.kv);
}

/** The ACT ponder term the core's `trainingObjective` adds, for the last runner pass. */
function weightedPonderCost(runner: unknown): tf.Scalar | null {
  if (!(runner instanceof TitanRunner)) return null;
  const { act } = runner.settings;
  const cost = act.enabled && act.ponderCost > 0 ? runner.lastPonderCost() : null;
  return cost ? (tf.mul(cost, act.ponderCost) as tf.Scalar) : null;
}

/**
 * Initial start/end embeddings: the embedding of "---" in the reference; here the mean of the rows of the
 * byte tokens '-' (a tokenizer-free stand-in), the same vector for both, as in the paper.
 */
function metaRows(model: TinyTitan): tf.Tensor2D {
  const dashByte = BYTE_OFFSET + '-'.charCodeAt(0);
  return tf.tidy(() => {
    const row = tf.slice(model.embed, [Math.min(dashByte, model.config.vocabSize - 1), 0], [1, model.config.dModel]);
    return tf.concat([row, row], 0) as tf.Tensor2D;
  });
}
