/**
 * Inference with thoughts. A `ThoughtSession` holds what decoding one token at a time needs: the model's
 * own KV cache (for the base prediction through its block runner, ACT and memory included) and the plain
 * path's keys/values of the real tokens (what thoughts attend to). Each token is fed once; a thought after
 * the last token runs against the cached prefix and is thrown away. `thinkAndPredict` is one session with
 * one thought; `generateWithThoughts` decodes greedily with a thought before every token. Start/end
 * thought tokens are never emitted (the reference's README warns they must be masked at inference).
 */
import { ForgeError, Rng, SPECIAL_IDS, argmax, tf } from '@agent-forge/core';
import type { KvCache } from '@agent-forge/core';
import { disposeKv, type LayerKv } from './thought-path.js';
import { rollout } from './rollout.js';
import type { Thinker } from './thinker.js';

/** What `thinkAndPredict` returns: one thought and the next-token prediction with and without it. */
export interface ThoughtPrediction {
  /** Next-token logits `[V]` with the thought mixed in (thought markers not masked here). */
  readonly logits: Float32Array;
  /** Next-token logits `[V]` without the thought (w forced to 0): what the model predicts unaided. */
  readonly baseLogits: Float32Array;
  /** The mixing weight w the head chose. */
  readonly mixWeight: number;
  /** The thought's tokens (without start/end markers). */
  readonly thought: number[];
}

/** How thoughts are sampled at inference (`thinkAndPredict`, `generateWithThoughts`). */
export interface ThinkOptions {
  /** Thought sampling temperature; default the trained one (0 = greedy thoughts). */
  readonly temperature?: number;
  /** Seed of the thought sampling. Default 0. */
  readonly seed?: number;
}

/**
 * Decoding state of one sequence (batch 1): `append` real tokens, `think` after the last one. Holds
 * tensors: `dispose()` it. One session per model at a time (the ACT/memory runner keeps one decoding
 * session per model).
 */
export class ThoughtSession {
  /** The model's KV cache for its block runner; null for a plain model, whose hidden states the plain path gives. */
  private readonly cache: KvCache | null;
  private kv: LayerKv[] | null = null;
  private lastHidden: tf.Tensor3D | null = null;
  private fed = 0;

  constructor(
    /** The thinker decoded with (shared; the session never disposes it). */
    readonly thinker: Thinker,
  ) {
    this.cache = thinker.runsPlainly ? null : thinker.model.createCache();
  }

  /** Real tokens fed so far: the absolute position of the next one. */
  get length(): number {
    return this.fed;
  }

  /** Feeds real tokens after those already fed (at least one; the whole context at most). */
  append(ids: readonly number[]): void {
    const { vocabSize, contextLength, dModel } = this.thinker.model.config;
    if (ids.length === 0 || this.fed + ids.length > contextLength)
      throw new ForgeError(`prompt has ${this.fed + ids.length} tokens; it needs 1 to ${contextLength}`, {
        field: 'ids',
      });
    if (ids.some((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize))
      throw new ForgeError(`prompt ids must be integers in [0, ${vocabSize})`, { field: 'ids' });
    const tokens = tf.tensor2d([...ids], [1, ids.length], 'int32');
    const x = this.thinker.path.embed(tokens, this.fed);
    tokens.dispose();
    const plain = this.thinker.path.extendBase(x, this.kv);
    const hidden = this.cache ? this.thinker.runnerHidden(x, this.cache) : plain.hidden;
    if (hidden !== plain.hidden) plain.hidden.dispose();
    x.dispose();
    if (this.kv) disposeKv(this.kv);
    this.kv = plain.kv;
    this.lastHidden?.dispose();
    this.lastHidden = tf.tidy(() => tf.slice(hidden, [0, ids.length - 1, 0], [1, 1, dModel]));
    hidden.dispose();
    this.fed += ids.length;
  }

  /** One thought after the last fed token and the next-token prediction with and without it. */
  think(options: ThinkOptions = {}): ThoughtPrediction {
    const before = this.lastHidden;
    if (!before || !this.kv) throw new ForgeError('append at least one token before thinking', { field: 'ids' });
    const rng = Rng.fromSeed(options.seed ?? 0);
    const temperature = options.temperature ?? this.thinker.settings.temperature;
    const thought = rollout(this.thinker, {
      kv: this.kv,
      firstBase: this.fed - 1,
      rows: 1,
      baseMask: null,
      talkSteps: 1,
      teacher: [],
      temperature,
      rng,
    });
    try {
      const out = tf.tidy(() => {
        const after = thought.talkHidden[0] as tf.Tensor3D;
        const w = this.thinker.mixer.weight(before, after);
        const mixed = this.thinker.path.project(this.thinker.mixer.mix(before, after, w) as tf.Tensor3D);
        return {
          logits: mixed.dataSync(),
          baseLogits: this.thinker.path.project(before).dataSync(),
          w: w.dataSync()[0] ?? 0,
        };
      });
      return {
        logits: Float32Array.from(out.logits),
        baseLogits: Float32Array.from(out.baseLogits),
        mixWeight: out.w,
        thought: [...thought.tokens],
      };
    } finally {
      thought.policyLogProb.dispose();
      for (const hidden of thought.talkHidden) hidden.dispose();
    }
  }

  /** Frees the caches; the thinker stays usable. */
  dispose(): void {
    this.cache?.dispose();
    if (this.kv) disposeKv(this.kv);
    this.lastHidden?.dispose();
    this.kv = null;
    this.lastHidden = null;
  }
}

/** One thought after `ids` (1 … contextLength ids) and the next-token prediction it leads to. */
export function thinkAndPredict(
  thinker: Thinker,
  ids: readonly number[],
  options: ThinkOptions = {},
): ThoughtPrediction {
  const session = new ThoughtSession(thinker);
  try {
    session.append(ids);
    return session.think(options);
  } finally {
    session.dispose();
  }
}

/** Options of `generateWithThoughts`; `temperature`/`seed` apply to the thoughts, the emitted tokens are greedy. */
export interface ThoughtGenerateOptions extends ThinkOptions {
  /** Most tokens to emit (fewer at a stop token or when the context is full); each costs one thought. */
  readonly maxNewTokens: number;
  /** Generation ends after emitting one of these (included in the output). Default `<eos>`. */
  readonly stopTokens?: readonly number[];
}

/** Greedy decoding where every token is predicted after a thought; stops at a stop token or a full context. */
export function generateWithThoughts(
  thinker: Thinker,
  promptIds: readonly number[],
  options: ThoughtGenerateOptions,
): {
  /** The emitted token ids, prompt excluded; a stop token that ended generation is included. */
  tokens: number[];
  /** The thought behind each emitted token (`thoughts[i]` preceded `tokens[i]`), its ids without start/end markers. */
  thoughts: number[][];
} {
  const stops = new Set(options.stopTokens ?? [SPECIAL_IDS.eos]);
  const tokens: number[] = [];
  const thoughts: number[][] = [];
  const session = new ThoughtSession(thinker);
  try {
    session.append(promptIds);
    for (let i = 0; i < options.maxNewTokens; i++) {
      const prediction = session.think({ temperature: options.temperature, seed: (options.seed ?? 0) + i });
      const logits = prediction.logits;
      logits[SPECIAL_IDS.startOfThought] = -Infinity;
      logits[SPECIAL_IDS.endOfThought] = -Infinity;
      const token = argmax(logits);
      tokens.push(token);
      thoughts.push(prediction.thought);
      if (stops.has(token) || session.length === thinker.model.config.contextLength) break;
      session.append([token]);
    }
    return { tokens, thoughts };
  } finally {
    session.dispose();
  }
}
