import type { Problem } from './problem.js';

/** A problem laid out for language-model training and for prompting at evaluation time. */
export interface FormattedProblem {
  /** "Question: …\nAnswer:" — what an evaluator feeds the model. */
  readonly prompt: string;
  /** " <solution>\n#### N" — what the model should continue with. */
  readonly completion: string;
  /** prompt + completion: the training text. */
  readonly text: string;
}

/**
 * The prompt ends right after "Answer:" and the completion starts with the space. The
 * pre-tokenizer always cuts between ":" and " word", so the prompt's tokens are an exact prefix
 * of the training text's tokens; a trailing space in the prompt would become its own token and
 * break that, so the model would be evaluated on a token sequence it never saw in training.
 */
export function formatProblem(problem: Problem): FormattedProblem {
  const prompt = `Question: ${problem.question}\nAnswer:`;
  const completion = ` ${problem.answer}`;
  return { prompt, completion, text: prompt + completion };
}
