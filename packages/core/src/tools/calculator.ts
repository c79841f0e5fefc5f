/**
 * Calculator in the loop, as GSM8K's authors sampled (Cobbe et al. 2021, §4 "Calculator annotations"):
 * the data writes each computation as `<<48/2=24>>`; when the model has written `<<48/2=`, the runtime
 * computes `48/2` and appends `24>>`, and the model goes on from there. The model only has to set up
 * each computation. An expression that is not plain arithmetic gets no answer, and the model goes on
 * on its own.
 */
import { evaluateArithmetic, formatCalculatorValue } from './arithmetic.js';

/**
 * Called after each generated token with every token generated so far; returns the tokens to append
 * after it (an empty array for none). The appended tokens count as generated output, are fed to the
 * model in one step and are not sampled.
 */
export type TokenInjector = (generated: readonly number[]) => readonly number[];

/** What the calculator needs of a tokenizer: text of the generated ids and ids of the answer. */
export interface CalculatorTokenizer {
  /** Text of `ids`. */
  decode(ids: ArrayLike<number>): string;
  /** Ids of `text`. */
  encode(text: string): number[];
}

const OPEN = '<<';
const CLOSE = '>>';

/**
 * The text the calculator appends to `text`, or undefined: when `text` ends with an open
 * annotation `<<expression=`, `value>>` (e.g. `24>>` after `<<48/2=`); otherwise, or when the
 * expression is not arithmetic, nothing.
 */
export function calculatorCompletion(text: string): string | undefined {
  if (!text.endsWith('=')) return undefined;
  const open = text.lastIndexOf(OPEN);
  if (open < 0 || text.indexOf(CLOSE, open) >= 0) return undefined;
  const expression = text.slice(open + OPEN.length, -1);
  if (expression.includes('=')) return undefined;
  try {
    return `${formatCalculatorValue(evaluateArithmetic(expression))}${CLOSE}`;
  } catch {
    return undefined;
  }
}

/**
 * A {@link TokenInjector} that runs the calculator on the generated text. Only the generated tokens
 * are read, so a prompt that ends inside an annotation is the model's problem, not the runtime's.
 */
export function calculatorInjector(tokenizer: CalculatorTokenizer): TokenInjector {
  return (generated) => {
    const completion = calculatorCompletion(tokenizer.decode(generated));
    return completion === undefined ? [] : tokenizer.encode(completion);
  };
}
