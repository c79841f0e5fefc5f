/**
 * Teacher-forced answer accuracy: the model reads the question and the reference solution up to
 * `####`, and a problem counts as correct when greedy argmax predicts every token of the final answer.
 * One batched forward per 8 problems instead of a token-by-token greedy decode: on the 2-core dev VM
 * greedy decoding of the tiny Titan model costs ~50–120 ms per token (ACT + memory), which would make
 * generation, not merging, the whole cost of the search. Greedy exact-match accuracy (core
 * `answerAccuracy`) is measured once for the final model in the report.
 */
import { tf } from '../backend/tf.js';
import { formatProblem } from '../data/format.js';
import { SPECIAL_IDS } from '../data/tokenizer/index.js';
import type { Problem } from '../data/problem.js';
import type { TinyTitan } from '../model/model.js';

/** Tokenized problems for teacher-forced answer accuracy, one problem per row, built by {@link answerProbes}. */
export interface AnswerProbes {
  /** `[rows, cols]` token rows, right-padded with `<eos>`. */
  readonly tokens: Int32Array;
  /** Number of problems kept (those whose answer tokenizes cleanly after `####` and fits the context). */
  readonly rows: number;
  /** Row length in tokens: the longest kept problem, at most context length + 1. */
  readonly cols: number;
  /** Per row, the target positions [start, end) that hold the final answer (position t predicts token t + 1). */
  readonly spans: readonly (readonly [number, number])[];
}

const MARKER = '####';
const PROBE_BATCH = 8;

/** Problems whose answer survives tokenization at the `####` boundary and fits the context. */
export function answerProbes(
  problems: readonly Problem[],
  tokenizer: { encode(text: string): number[] },
  contextLength: number,
): AnswerProbes {
  const rows: { ids: number[]; span: [number, number] }[] = [];
  for (const problem of problems) {
    const { text } = formatProblem(problem);
    const at = text.lastIndexOf(MARKER);
    if (at < 0) continue;
    const prefix = tokenizer.encode(text.slice(0, at + MARKER.length));
    const full = tokenizer.encode(text);
    const answerLength = full.length - prefix.length;
    if (answerLength <= 0 || answerLength >= contextLength || prefix.some((id, i) => full[i] !== id)) continue;
    const ids = full.slice(-(contextLength + 1));
    rows.push({ ids, span: [ids.length - 1 - answerLength, ids.length - 1] });
  }
  const cols = Math.max(0, ...rows.map((row) => row.ids.length));
  const tokens = new Int32Array(rows.length * cols).fill(SPECIAL_IDS.eos);
  rows.forEach((row, index) => tokens.set(row.ids, index * cols));
  return { tokens, rows: rows.length, cols, spans: rows.map((row) => row.span) };
}

/** Share of probes whose every answer token is the argmax prediction; 0 when there are none. */
export function teacherForcedAccuracy(model: TinyTitan, probes: AnswerProbes): number {
  if (probes.rows === 0) return 0;
  let correct = 0;
  for (let start = 0; start < probes.rows; start += PROBE_BATCH) {
    const rows = Math.min(PROBE_BATCH, probes.rows - start);
    const predicted = tf.tidy(() => {
      const batch = tf.tensor2d(
        probes.tokens.subarray(start * probes.cols, (start + rows) * probes.cols),
        [rows, probes.cols],
        'int32',
      );
      const inputs = tf.slice(batch, [0, 0], [rows, probes.cols - 1]);
      return tf.argMax(model.forward(inputs as tf.Tensor2D), -1);
    });
    const ids = predicted.dataSync();
    predicted.dispose();
    for (let row = 0; row < rows; row++) {
      const [from, to] = probes.spans[start + row] as readonly [number, number];
      const offset = row * (probes.cols - 1);
      let ok = true;
      for (let t = from; t < to && ok; t++) ok = ids[offset + t] === probes.tokens[(start + row) * probes.cols + t + 1];
      if (ok) correct += 1;
    }
  }
  return correct / probes.rows;
}
