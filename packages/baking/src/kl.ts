/**
 * The baking objective (Bhargava et al. 2024): the forward KL from the prompted teacher to the
 * unprompted student over the full next-token distribution, at every position that predicts a
 * continuation token:
 *
 *   Σ_t KL( P_θ(·| u, x, y_<t) ‖ P_θ+adapter(·| x, y_<t) )
 *
 * Prompt and input positions are left out; both sides see exactly the same x and y_<t. Returned as
 * a sum with its position count so batches of different lengths average correctly.
 */
import { SPECIAL_IDS, tf } from '@agent-forge/core';
import type { LoraAdapters, TinyTitan } from '@agent-forge/core';
import type { Trajectory } from './trajectories.js';

interface Layout {
  readonly ids: tf.Tensor2D;
  /** Flat `[B·T]` index of the position that predicts continuation token t of row r, per (r, t) in row order. */
  readonly positions: number[];
}

/** Rows `prefix + x + y[:-1]`, right-padded (causal attention keeps the padding out of every kept position). */
function layout(rows: readonly Trajectory[], prefix: readonly number[]): Layout {
  const sequences = rows.map((row) => [...prefix, ...row.input, ...row.continuation.slice(0, -1)]);
  const width = Math.max(...sequences.map((sequence) => sequence.length));
  const ids = new Int32Array(rows.length * width).fill(SPECIAL_IDS.pad);
  const positions: number[] = [];
  sequences.forEach((sequence, r) => {
    ids.set(sequence, r * width);
    const row = rows[r] as Trajectory;
    const first = prefix.length + row.input.length - 1;
    for (let t = 0; t < row.continuation.length; t++) positions.push(r * width + first + t);
  });
  return { ids: tf.tensor2d(ids, [rows.length, width], 'int32'), positions };
}

/** Log-probabilities `[B·T, V]` of every position, with `adapter` active (null: the base). */
function logProbs(model: TinyTitan, adapters: LoraAdapters, adapter: string | null, ids: tf.Tensor2D): tf.Tensor2D {
  adapters.activate(adapter);
  return tf.logSoftmax(tf.reshape(model.forward(ids), [-1, model.config.vocabSize])) as tf.Tensor2D;
}

/**
 * The teacher's log-probabilities moved to the student's positions, and a 0/1 mask of the positions
 * that count. The gather is on the teacher side only, which needs no gradient: a gather's gradient
 * (a segment sum over every position) is very slow on tfjs's cpu backend.
 */
function alignTeacher(
  teacher: tf.Tensor2D,
  teacherLayout: Layout,
  studentLayout: Layout,
): { aligned: tf.Tensor2D; mask: tf.Tensor2D } {
  const studentPositions = studentLayout.ids.size;
  const source = new Int32Array(studentPositions);
  const mask = new Float32Array(studentPositions);
  studentLayout.positions.forEach((position, k) => {
    source[position] = teacherLayout.positions[k] as number;
    mask[position] = 1;
  });
  return {
    aligned: tf.gather(teacher, tf.tensor1d(source, 'int32')) as tf.Tensor2D,
    mask: tf.tensor2d(mask, [studentPositions, 1]),
  };
}

/**
 * Σ KL(teacher ‖ student) over the continuation positions of `rows` and how many positions that is.
 * Teacher: the base model on `promptIds + x + y`; student: adapter `student` (null: the base) on
 * `x + y`. Restores the adapter that was active. Call inside a tidy (or `variableGrads`).
 */
export function klSum(
  model: TinyTitan,
  adapters: LoraAdapters,
  promptIds: readonly number[],
  rows: readonly Trajectory[],
  student: string | null,
): {
  /** Σ KL over the counted positions, in nats; differentiable with respect to the student adapter. */
  sum: tf.Scalar;
  /** Continuation positions summed over (every row's y tokens); `sum / count` is the mean per-token KL. */
  count: number;
  /** Positions the student's forward ran (rows × the longest row, padding included): its training compute. */
  studentTokens: number;
} {
  const previous = adapters.active;
  try {
    const teacherLayout = layout(rows, promptIds);
    const studentLayout = layout(rows, []);
    const teacher = alignTeacher(logProbs(model, adapters, null, teacherLayout.ids), teacherLayout, studentLayout);
    const learner = logProbs(model, adapters, student, studentLayout.ids);
    const perPosition = tf.mul(tf.exp(teacher.aligned), tf.sub(teacher.aligned, learner));
    const sum = tf.sum(tf.mul(perPosition, teacher.mask)) as tf.Scalar;
    return { sum, count: studentLayout.positions.length, studentTokens: studentLayout.ids.size };
  } finally {
    adapters.activate(previous);
  }
}

/** Mean per-token KL(prompted ‖ student) over `trajectories`, `batchSize` at a time. */
export function meanKl(
  model: TinyTitan,
  adapters: LoraAdapters,
  promptIds: readonly number[],
  trajectories: readonly Trajectory[],
  student: string | null,
  batchSize = 8,
): number {
  let total = 0;
  let count = 0;
  for (let start = 0; start < trajectories.length; start += batchSize) {
    const rows = trajectories.slice(start, start + batchSize);
    const value = tf.tidy(() => klSum(model, adapters, promptIds, rows, student).sum);
    total += value.dataSync()[0] ?? Number.NaN;
    value.dispose();
    count += rows.reduce((sum, row) => sum + row.continuation.length, 0);
  }
  return count > 0 ? total / count : Number.NaN;
}
