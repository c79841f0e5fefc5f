export type Operator = '+' | '-' | '*' | '/';

/** One calculator step: `value` and its GSM8K rendering, e.g. "48/2 = <<48/2=24>>24". */
export interface Calc {
  readonly value: number;
  readonly text: string;
}

/**
 * Applies `op` left to right over `operands` (the templates only chain one operator, so there is
 * no precedence to get wrong). Throws on a non-integer or negative result: the built-in dataset
 * promises non-negative integer answers, and a template that breaks that is a bug, not bad luck.
 */
export function calc(op: Operator, ...operands: number[]): Calc {
  if (operands.length < 2) throw new Error('calc needs at least two operands');
  let value = operands[0] as number;
  for (const operand of operands.slice(1)) value = apply(op, value, operand);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(
      `calc produced ${value} from ${operands.join(op)}: templates must keep results non-negative integers`,
    );
  }
  const expression = operands.join(op);
  return { value, text: `${expression} = <<${expression}=${value}>>${value}` };
}

function apply(op: Operator, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
  }
}
