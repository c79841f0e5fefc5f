import { extractFinalAnswer } from '../data/problem.js';
import type { Problem } from '../data/problem.js';

/** Turns a prompt into the model's continuation, e.g. greedy decoding with `generate`. */
export type Completer = (prompt: string) => Promise<string>;

/** One problem's outcome in `answerAccuracy`, kept for reports and debugging wrong answers. */
export interface AnswerRecord {
  /** The problem's question text. */
  question: string;
  /** The reference final answer. */
  expected: string;
  /** The number after the completion's `####`, or undefined when it has none. */
  predicted: string | undefined;
  /** Whether `predicted` equals `expected`, textually or numerically (`72` = `72.0`, `$` and commas ignored). */
  correct: boolean;
  /** The model's full continuation of the prompt. */
  completion: string;
}

/**
 * Exact-match accuracy on GSM8K-style problems: the model completes each prompt, the number after
 * its `####` is compared with the reference final answer (commas removed, and numerically, so
 * `72` = `72.0`). A completion with no `####` line counts as wrong.
 */
export async function answerAccuracy(
  problems: readonly Problem[],
  promptOf: (problem: Problem) => string,
  complete: Completer,
): Promise<{
  /** Share of problems answered correctly, in [0, 1]; 0 when `problems` is empty. */
  accuracy: number;
  /** One record per problem, in the order given. */
  records: AnswerRecord[];
}> {
  const records: AnswerRecord[] = [];
  for (const problem of problems) {
    const completion = await complete(promptOf(problem));
    const predicted = extractFinalAnswer(completion.split('\n').find((line) => line.includes('####')) ?? '');
    records.push({
      question: problem.question,
      expected: problem.finalAnswer,
      predicted,
      correct: sameAnswer(predicted, problem.finalAnswer),
      completion,
    });
  }
  const correct = records.filter((r) => r.correct).length;
  return { accuracy: problems.length ? correct / problems.length : 0, records };
}

function sameAnswer(predicted: string | undefined, expected: string): boolean {
  if (predicted === undefined) return false;
  const cleanPredicted = predicted.replace(/[$,]/g, '').trim();
  const cleanExpected = expected.replace(/[$,]/g, '').trim();
  if (cleanPredicted === cleanExpected) return true;
  const a = Number(cleanPredicted);
  const b = Number(cleanExpected);
  return Number.isFinite(a) && Number.isFinite(b) && cleanPredicted !== '' && a === b;
}
