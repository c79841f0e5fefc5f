/**
 * Answer-token figures: the held-out loss on the final answers only (the digits after `####` of the
 * built-in problems, and of any GSM8K-style text), with and without thoughts. On arithmetic text most
 * tokens are copied or templated; the answer is where a multi-step problem has to be worked out, so it is
 * where thinking can pay.
 */
import { BYTE_OFFSET, Rng, tf } from '@agent-forge/core';
import type { Codec } from './answers.js';
import { mean } from './coherence.js';
import type { PairedFigure } from './keep.js';
import type { HeldOutWindows } from './evaluate.js';
import { quietStarObjective } from './objective.js';
import type { Thinker } from './thinker.js';

/** A final answer in text: `####`, optional spaces, then the number (sign, digits, commas, a decimal point). */
const ANSWER = /####[ \t]*(-?[\d,]*\d(?:\.\d+)?)/g;

/**
 * `[rows, cols − 1]` row-major: 1 where the next token (the target at position j, x_{j+1}) overlaps the
 * number after a `####` in its window, else 0. Tokens are decoded one by one to find their characters;
 * reserved ids (eos, markers) read as a line break, so an answer never runs into the next document.
 */
export function answerTargetMask(windows: HeldOutWindows, codec: Pick<Codec, 'decode'>): Uint8Array {
  const length = windows.cols - 1;
  const mask = new Uint8Array(windows.rows * length);
  for (let row = 0; row < windows.rows; row++) {
    const ids = windows.tokens.subarray(row * windows.cols, (row + 1) * windows.cols);
    const starts: number[] = [];
    let text = '';
    for (const id of ids) {
      starts.push(text.length);
      text += id < BYTE_OFFSET ? '\n' : codec.decode([id]);
    }
    starts.push(text.length);
    for (const match of text.matchAll(ANSWER)) {
      const from = (match.index ?? 0) + match[0].length - (match[1] ?? '').length;
      const to = (match.index ?? 0) + match[0].length;
      for (let i = 1; i < ids.length; i++) {
        if ((starts[i] as number) < to && (starts[i + 1] as number) > from) mask[row * length + i - 1] = 1;
      }
    }
  }
  return mask;
}

/** A thinker's loss on answer tokens, with and without thoughts, at the positions it covered. */
export interface AnswerEvaluation {
  /** Mean NLL of the answer tokens with thoughts (mixed prediction, mean over the nThoughts thoughts). */
  readonly lossWithThoughts: number;
  /** The same answer tokens without thoughts (w forced to 0). */
  readonly lossWithoutThoughts: number;
  /** without − with, paired per answer token: positive when thoughts help. */
  readonly delta: number;
  /** Standard error of `delta` (answer tokens treated as independent). */
  readonly deltaStdErr: number;
  /** Answer tokens scored. */
  readonly tokens: number;
  /** Their flat indices `row · (cols − 1) + j` into `answerTargetMask`/`positionNll` arrays, to compare other models. */
  readonly indices: Int32Array;
  /** Per answer token NLL without thoughts, in `indices` order. */
  readonly withoutNll: Float32Array;
  /** Per answer token NLL with thoughts, in `indices` order. */
  readonly withNll: Float32Array;
}

/**
 * Scores every held-out row that has answer targets, one row at a time, with its thought window
 * (`thoughtPositions`) placed to start at the row's first answer target (or as close as the row allows),
 * so the answer tokens get thoughts even when training thinks at a window of positions. Thoughts are
 * sampled from `seed` as in the main evaluation.
 */
export function evaluateAnswerTokens(
  thinker: Thinker,
  windows: HeldOutWindows,
  mask: Uint8Array,
  seed = 0,
): AnswerEvaluation {
  const length = windows.cols - 1;
  const span = Math.min(thinker.settings.thoughtPositions ?? length, length);
  const rng = Rng.fromSeed(seed);
  const indices: number[] = [];
  const withNll: number[] = [];
  const withoutNll: number[] = [];
  for (let row = 0; row < windows.rows; row++) {
    const targets = mask.subarray(row * length, (row + 1) * length);
    const firstAnswer = targets.indexOf(1);
    if (firstAnswer < 0) continue;
    const first = Math.min(firstAnswer, length - span);
    const tokens = tf.tensor2d(
      windows.tokens.subarray(row * windows.cols, (row + 1) * windows.cols),
      [1, windows.cols],
      'int32',
    );
    const batch = quietStarObjective(thinker, tokens, rng.fork(`answers-${row}`), { firstPosition: first });
    batch.loss.dispose();
    tokens.dispose();
    for (let j = 0; j < span; j++) {
      if (targets[first + j] !== 1) continue;
      indices.push(row * length + first + j);
      // Rows of the batch are the nThoughts thoughts of this one sequence, each `span` positions long.
      const perThought = Array.from({ length: batch.shape.thoughts }, (_, n) => batch.mixedNll[n * span + j] as number);
      withNll.push(mean(perThought));
      withoutNll.push(batch.baseNll[j] as number);
    }
  }
  return answerSummary(Int32Array.from(indices), Float32Array.from(withoutNll), Float32Array.from(withNll));
}

function answerSummary(indices: Int32Array, withoutNll: Float32Array, withNll: Float32Array): AnswerEvaluation {
  const paired = pairedDifference(withoutNll, withNll);
  return {
    lossWithThoughts: mean(withNll),
    lossWithoutThoughts: mean(withoutNll),
    delta: paired.mean,
    deltaStdErr: paired.stdErr,
    tokens: indices.length,
    indices,
    withoutNll,
    withNll,
  };
}

/** Mean and standard error of the paired difference a − b (NaN for no pairs). */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>): PairedFigure {
  const delta = Array.from(a, (value, i) => value - (b[i] as number));
  if (delta.length === 0) return { mean: Number.NaN, stdErr: Number.NaN };
  const average = mean(delta);
  const variance = mean(delta.map((value) => (value - average) ** 2));
  return { mean: average, stdErr: Math.sqrt(variance / delta.length) };
}

/** `values` at flat `indices`. */
export function pick(values: Float32Array, indices: Int32Array): Float32Array {
  return Float32Array.from(indices, (index) => values[index] as number);
}
