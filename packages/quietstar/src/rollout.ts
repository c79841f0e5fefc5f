/**
 * Parallel thoughts: after each of P base positions, `<|startofthought|>`, t sampled tokens,
 * `<|endofthought|>`, then teacher-forced true tokens — one batched `thoughtStep` per thought token for
 * all positions and all sampled thoughts at once. Sampling is Gumbel-max (hard, as the reference) with
 * seeded noise; reserved tokens (specials, thought markers) can never be sampled inside a thought.
 */
import { BYTE_OFFSET, tf } from '@agent-forge/core';
import type { Rng } from '@agent-forge/core';
import { disposeKv, type LayerKv } from './thought-path.js';
import type { Thinker } from './thinker.js';
import { readAndDispose } from './host-read.js';

/** What one `rollout` call thinks about: the base pass it hangs off, which rows, how to sample. */
export interface RolloutSpec {
  /** Base keys/values per layer, batch N (already tiled per thought). */
  readonly kv: readonly LayerKv[];
  /** Base position of the first thought row (0 in training; the last prompt position at inference). */
  readonly firstBase: number;
  /** Thought rows P: consecutive base positions firstBase … firstBase + P − 1, each getting its own thought. */
  readonly rows: number;
  /** `[P, T]` additive mask of visible base keys per row; null when every row sees all of them. */
  readonly baseMask: tf.Tensor2D | null;
  /** Predictions after the thought: 1 at inference, nTrue in training. */
  readonly talkSteps: number;
  /** Teacher-forced inputs for talk steps k = 1 … talkSteps − 1, each int32 `[N, P]`. */
  readonly teacher: readonly tf.Tensor2D[];
  /** Sampling temperature (0 = greedy). */
  readonly temperature: number;
  /** The stream the Gumbel noise seeds come from (one seed per thought step): same stream, same thoughts. */
  readonly rng: Rng;
  /** Score these thoughts `[N, P, thoughtLength]` instead of sampling (teacher-forced thoughts). */
  readonly forced?: Int32Array;
}

/** The result of `rollout`: sampled tokens and scores on the host, what training needs as tensors. */
export interface Rollout {
  /** Sampled thought tokens, row-major `[N, P, thoughtLength]`. */
  readonly tokens: Int32Array;
  /** Σ log π(t_i) of each thought at the sampling temperature (1 when greedy), `[N, P]`, on the tape. */
  readonly policyLogProb: tf.Tensor2D;
  /** Mean log p(t_i) at temperature 1 per thought, `[N, P]`: the syntactic score. */
  readonly meanLogProb: Float32Array;
  /** Final hidden states after the end-of-thought step and each teacher-forced step, `[N, P, d]` each. */
  readonly talkHidden: tf.Tensor3D[];
}

/** Runs the thought steps; the caller disposes `policyLogProb` and `talkHidden`. */
export function rollout(thinker: Thinker, spec: RolloutSpec): Rollout {
  const n = spec.kv[0]?.keys.shape[0] ?? 0;
  const length = thinker.settings.thoughtLength;
  const own: LayerKv[][] = thinker.model.blocks.map(() => []);
  const sampled: tf.Tensor2D[] = [];
  const logProbs: tf.Tensor2D[] = [];
  const plainLogProbs: tf.Tensor2D[] = [];
  const talkHidden: tf.Tensor3D[] = [];
  let input: tf.Tensor3D = thinker.metaEmbedding(0, n, spec.rows, spec.firstBase + 1);
  try {
    for (let step = 1; step <= length + 1 + spec.talkSteps; step++) {
      const hidden = thinker.path.thoughtStep(input, spec.firstBase, step, spec.kv, spec.baseMask, own);
      input.dispose();
      const next = step + 1;
      if (step <= length) {
        const draw = sampleStep(thinker, hidden, spec, spec.temperature, forcedColumn(spec, n, step - 1, length));
        sampled.push(draw.tokens);
        logProbs.push(draw.policyLogProb);
        plainLogProbs.push(draw.plainLogProb);
        input = thinker.path.embed(draw.tokens, spec.firstBase + next);
      } else if (step === length + 1) {
        input = thinker.metaEmbedding(1, n, spec.rows, spec.firstBase + next);
      } else {
        talkHidden.push(hidden);
        const talkDone = step - length - 1;
        if (talkDone < spec.talkSteps)
          input = thinker.path.embed(spec.teacher[talkDone - 1] as tf.Tensor2D, spec.firstBase + next);
        continue;
      }
      hidden.dispose();
    }
    return collect(sampled, logProbs, plainLogProbs, talkHidden, length);
  } finally {
    for (const layer of own) disposeKv(layer);
    for (const tensor of [...sampled, ...logProbs, ...plainLogProbs]) tensor.dispose();
  }
}

function collect(
  sampled: tf.Tensor2D[],
  logProbs: tf.Tensor2D[],
  plainLogProbs: tf.Tensor2D[],
  talkHidden: tf.Tensor3D[],
  length: number,
): Rollout {
  const tokens = readAndDispose(tf.tidy(() => tf.stack(sampled, 2))) as Int32Array;
  const policyLogProb = tf.tidy(() => tf.addN(logProbs) as tf.Tensor2D);
  const meanLogProb = readAndDispose(tf.tidy(() => tf.div(tf.addN(plainLogProbs), length))) as Float32Array;
  return { tokens: Int32Array.from(tokens), policyLogProb, meanLogProb: Float32Array.from(meanLogProb), talkHidden };
}

interface Draw {
  readonly tokens: tf.Tensor2D;
  readonly policyLogProb: tf.Tensor2D;
  readonly plainLogProb: tf.Tensor2D;
}

/** One thought token per row: Gumbel-max over the unreserved vocabulary, and its log-probabilities. */
function sampleStep(
  thinker: Thinker,
  hidden: tf.Tensor3D,
  spec: RolloutSpec,
  temperature: number,
  forced: tf.Tensor2D | null,
): Draw {
  return tf.tidy(() => {
    const logits = tf.add(thinker.path.project(hidden), reservedMask(thinker.model.config.vocabSize));
    const vocab = thinker.model.config.vocabSize;
    const scaled = temperature > 0 ? tf.div(logits, temperature) : logits;
    const noisy = temperature > 0 && !forced ? tf.add(scaled, gumbelNoise(logits.shape, spec.rng.seed())) : scaled;
    // Rebuilt from host values: a token id is a discrete choice, and the tape must not try to
    // differentiate gather's indices back through argMax.
    const tokens =
      forced ??
      tf.tensor2d(tf.argMax(noisy, -1).dataSync() as Int32Array, noisy.shape.slice(0, 2) as [number, number], 'int32');
    const oneHot = tf.oneHot(tokens, vocab);
    const logProbOf = (values: tf.Tensor) => tf.sum(tf.mul(tf.logSoftmax(values), oneHot), -1) as tf.Tensor2D;
    return { tokens, policyLogProb: logProbOf(scaled), plainLogProb: logProbOf(logits) };
  });
}

/** Column `index` of the forced thoughts as `[N, P]`, or null when sampling. */
function forcedColumn(spec: RolloutSpec, rows: number, index: number, length: number): tf.Tensor2D | null {
  if (!spec.forced) return null;
  const column = new Int32Array(rows * spec.rows);
  for (let i = 0; i < column.length; i++) column[i] = spec.forced[i * length + index] as number;
  return tf.tensor2d(column, [rows, spec.rows], 'int32');
}

/** −log(−log u), u ~ U(0, 1), seeded. */
function gumbelNoise(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.log(tf.neg(tf.log(tf.randomUniform(shape, 1e-7, 1 - 1e-7, 'float32', seed))))));
}

/** −1e9 on every reserved id (pad, bos, eos, thought markers, personas, tools, spares), 0 elsewhere. */
function reservedMask(vocabSize: number): tf.Tensor1D {
  const mask = new Float32Array(vocabSize);
  mask.fill(-1e9, 0, Math.min(BYTE_OFFSET, vocabSize));
  return tf.tensor1d(mask);
}
