/** A grade-school math word problem in GSM8K form. */
export interface Problem {
  /** The word problem as posed to the model. */
  readonly question: string;
  /** Full step-by-step solution, calculator annotations and the closing `#### N` line included. */
  readonly answer: string;
  /** What follows `####`, trimmed, thousands separators removed: the string evaluation compares. */
  readonly finalAnswer: string;
}

const FINAL_ANSWER_MARKER = '####';

/** The final answer of a GSM8K solution, or undefined when it has no `####` line. */
export function extractFinalAnswer(answer: string): string | undefined {
  const at = answer.lastIndexOf(FINAL_ANSWER_MARKER);
  if (at < 0) return undefined;
  const value = answer
    .slice(at + FINAL_ANSWER_MARKER.length)
    .trim()
    .replace(/,/g, '');
  return value === '' ? undefined : value;
}
