/**
 * Coherence scores of each thought, all read from the model itself:
 * - utility: how much the thought raises log p of the true continuation x_{j+1 … j+nTrue}
 *   (post-thought log-likelihood − base log-likelihood, nats); its centred form is the REINFORCE reward;
 * - semantic: cosine similarity of the mean input embedding of the thought's tokens and of the
 *   continuation's tokens (the model's own embedding table);
 * - syntactic: mean log p of the thought's tokens under the model at temperature 1, i.e. −log of the
 *   thought's own perplexity (higher = more well-formed to the model).
 * Plus Pearson correlation and thought diversity helpers.
 */
import { tf } from '@agent-forge/core';
import type { Rollout } from './rollout.js';
import type { Thinker } from './thinker.js';

/** The three coherence scores of every thought, one value per thought row (`[N·T]`, row-major as the batch). */
export interface ThoughtScores {
  /**
   * log p(x_{j+1 … j+nTrue} | prefix, thought) − log p(x_{j+1 … j+nTrue} | prefix), nats: how much the
   * post-thought prediction (alone, not mixed) raises the true continuation. Positive = the thought helps.
   */
  readonly utility: Float32Array;
  /** Cosine similarity (−1 … 1) of the mean input embedding of the thought's tokens and of the continuation's. */
  readonly semantic: Float32Array;
  /** Mean log p of the thought's own tokens at temperature 1 (nats, ≤ 0): −log of its perplexity; higher = more fluent. */
  readonly syntactic: Float32Array;
}

/** Where the tokens of a batch of thoughts sit, for `coherenceScores`. */
export interface ScoreLayout {
  /** The base tokens of the batch, `[batch, length + nTrue]` row-major, on the host. */
  readonly host: Int32Array;
  /** Sequences in the batch. */
  readonly batch: number;
  /** Positions per sequence that get a thought. */
  readonly length: number;
  /** Thoughts per position. */
  readonly thoughts: number;
}

/**
 * Scores a rollout's thoughts. `thoughtLogLik` / `baseLogLik` are per-row log-likelihoods (nats) of the
 * true continuation with and without the thought; their difference is the utility.
 */
export function coherenceScores(
  thinker: Thinker,
  layout: ScoreLayout,
  thought: Rollout,
  thoughtLogLik: Float32Array,
  baseLogLik: Float32Array,
): ThoughtScores {
  const utility = thoughtLogLik.map((value, i) => value - (baseLogLik[i] as number));
  return { utility, semantic: semanticScores(thinker, layout, thought.tokens), syntactic: thought.meanLogProb };
}

function semanticScores(thinker: Thinker, layout: ScoreLayout, thoughtTokens: Int32Array): Float32Array {
  const { host, batch, length, thoughts } = layout;
  const { thoughtLength, nTrue } = thinker.settings;
  const rows = batch * thoughts;
  const continuation = new Int32Array(rows * length * nTrue);
  const weights = new Float32Array(rows * length * nTrue);
  for (let row = 0; row < rows; row++) {
    const source = (row % batch) * (length + 1);
    for (let j = 0; j < length; j++) {
      for (let k = 0; k < nTrue && j + 1 + k <= length; k++) {
        const index = (row * length + j) * nTrue + k;
        continuation[index] = host[source + j + 1 + k] as number;
        weights[index] = 1;
      }
    }
  }
  return tf.tidy(() => {
    const embed = thinker.model.embed;
    const thoughtVectors = tf.mean(
      tf.gather(embed, tf.tensor3d(thoughtTokens, [rows, length, thoughtLength], 'int32')),
      2,
    );
    const weight = tf.tensor4d(weights, [rows, length, nTrue, 1]);
    const summed = tf.sum(
      tf.mul(tf.gather(embed, tf.tensor3d(continuation, [rows, length, nTrue], 'int32')), weight),
      2,
    );
    const continuationVectors = tf.div(summed, tf.maximum(tf.sum(weight, 2), 1));
    const dot = tf.sum(tf.mul(thoughtVectors, continuationVectors), -1);
    const norms = tf.mul(tf.norm(thoughtVectors, 'euclidean', -1), tf.norm(continuationVectors, 'euclidean', -1));
    return Float32Array.from(tf.div(dot, tf.maximum(norms, 1e-12)).dataSync());
  });
}

/** Pearson correlation of two equally long samples; NaN when either is constant or too short. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return Number.NaN;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i] as number;
    meanB += b[i] as number;
  }
  meanA /= n;
  meanB /= n;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - meanA;
    const db = (b[i] as number) - meanB;
    covariance += da * db;
    varianceA += da * da;
    varianceB += db * db;
  }
  return varianceA > 0 && varianceB > 0 ? covariance / Math.sqrt(varianceA * varianceB) : Number.NaN;
}

/**
 * Each value minus the mean of the same position's thoughts (rows n·B + b, `[N·B, T]`): what is left
 * compares thoughts for one position, free of what differs between positions (continuation length,
 * how predictable the next tokens are) that would correlate any two scores.
 */
export function centredByPosition(
  values: Float32Array,
  shape: { batch: number; thoughts: number; length: number },
): Float32Array {
  const { batch, thoughts, length } = shape;
  const out = new Float32Array(values.length);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < length; j++) {
      let sum = 0;
      for (let n = 0; n < thoughts; n++) sum += values[(n * batch + b) * length + j] as number;
      for (let n = 0; n < thoughts; n++) {
        const index = (n * batch + b) * length + j;
        out[index] = (values[index] as number) - sum / thoughts;
      }
    }
  }
  return out;
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return values.length ? sum / values.length : Number.NaN;
}

/**
 * Thought diversity of a batch `[N, T, L]` (N = thoughts × batch rows): `distinctPositions`, the share of
 * positions whose thoughts are not all identical; `distinct2`, distinct token bigrams inside thoughts over
 * all bigrams.
 */
export function thoughtDiversity(
  tokens: Int32Array,
  shape: { batch: number; thoughts: number; length: number },
  thoughtLength: number,
): {
  /** Share (0–1) of the batch × length positions where the nThoughts thoughts are not all identical. */
  distinctPositions: number;
  /** Distinct token bigrams inside thoughts over all such bigrams (0–1); NaN when thoughts are one token long. */
  distinct2: number;
} {
  const { batch, thoughts, length } = shape;
  const text = (row: number, j: number) =>
    tokens.subarray((row * length + j) * thoughtLength, (row * length + j + 1) * thoughtLength).join(',');
  let differing = 0;
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < length; j++) {
      const seen = new Set(Array.from({ length: thoughts }, (_, n) => text(n * batch + b, j)));
      if (seen.size > 1) differing++;
    }
  }
  const bigrams = new Set<string>();
  let total = 0;
  for (let start = 0; start < tokens.length; start += thoughtLength) {
    for (let i = start; i + 1 < start + thoughtLength; i++) {
      bigrams.add(`${tokens[i]},${tokens[i + 1]}`);
      total++;
    }
  }
  return {
    distinctPositions: differing / Math.max(1, batch * length),
    distinct2: total ? bigrams.size / total : Number.NaN,
  };
}
