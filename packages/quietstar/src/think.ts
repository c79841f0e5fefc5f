/**
 * Inference with thoughts: `thinkAndPredict` thinks once after the last token of a prefix and returns the
 * mixed next-token logits; `generateWithThoughts` decodes greedily with a thought before every token.
 * The base prefix is re-encoded every token (no KV cache): the ACT/memory runner's cache session cannot be
 * forked for a thought, and at this project's context lengths (≤ 256) the full pass is cheap. Start/end
 * thought tokens are never emitted (the reference's README warns they must be masked at inference).
 */
import { ForgeError, Rng, SPECIAL_IDS, argmax, tf } from '@agent-forge/core';
import { rollout } from './rollout.js';
import { disposeBase, type Thinker } from './thinker.js';

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

/** One thought after `ids` (1 … contextLength ids) and the next-token prediction it leads to. */
export function thinkAndPredict(thinker: Thinker, ids: readonly number[], options: ThinkOptions = {}): ThoughtPrediction {
  const { vocabSize, contextLength } = thinker.model.config;
  if (ids.length === 0 || ids.length > contextLength) throw new ForgeError(`prompt has ${ids.length} tokens; it needs 1 to ${contextLength}`, { field: 'ids' });
  if (ids.some((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize)) throw new ForgeError(`prompt ids must be integers in [0, ${vocabSize})`, { field: 'ids' });
  const last = ids.length - 1;
  const input = tf.tensor2d([...ids], [1, ids.length], 'int32');
  const base = thinker.base(input);
  input.dispose();
  const rng = Rng.fromSeed(options.seed ?? 0);
  const temperature = options.temperature ?? thinker.settings.temperature;
  const thought = rollout(thinker, { kv: base.kv, firstBase: last, rows: 1, baseMask: null, talkSteps: 1, teacher: [], temperature, rng });
  try {
    const out = tf.tidy(() => {
      const before = tf.slice(base.hidden, [0, last, 0], [1, 1, thinker.model.config.dModel]);
      const after = thought.talkHidden[0] as tf.Tensor3D;
      const w = thinker.mixer.weight(before, after);
      const mixed = thinker.path.project(thinker.mixer.mix(before, after, w) as tf.Tensor3D);
      return { logits: mixed.dataSync(), baseLogits: thinker.path.project(before).dataSync(), w: w.dataSync()[0] ?? 0 };
    });
    return { logits: Float32Array.from(out.logits), baseLogits: Float32Array.from(out.baseLogits), mixWeight: out.w, thought: [...thought.tokens] };
  } finally {
    thought.policyLogProb.dispose();
    for (const hidden of thought.talkHidden) hidden.dispose();
    disposeBase(base);
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
export function generateWithThoughts(thinker: Thinker, promptIds: readonly number[], options: ThoughtGenerateOptions): {
  /** The emitted token ids, prompt excluded; a stop token that ended generation is included. */
  tokens: number[];
  /** The thought behind each emitted token (`thoughts[i]` preceded `tokens[i]`), its ids without start/end markers. */
  thoughts: number[][];
} {
  const stops = new Set(options.stopTokens ?? [SPECIAL_IDS.eos]);
  const ids = [...promptIds];
  const tokens: number[] = [];
  const thoughts: number[][] = [];
  for (let i = 0; i < options.maxNewTokens && ids.length <= thinker.model.config.contextLength; i++) {
    const prediction = thinkAndPredict(thinker, ids, { temperature: options.temperature, seed: (options.seed ?? 0) + i });
    const logits = prediction.logits;
    logits[SPECIAL_IDS.startOfThought] = -Infinity;
    logits[SPECIAL_IDS.endOfThought] = -Infinity;
    const token = argmax(logits);
    tokens.push(token);
    thoughts.push(prediction.thought);
    ids.push(token);
    if (stops.has(token)) break;
  }
  return { tokens, thoughts };
}
