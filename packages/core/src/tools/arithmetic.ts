/**
 * The calculator's arithmetic: a recursive-descent parser over numbers, + − × ÷ and parentheses.
 * Nothing is ever evaluated as code: the parser accepts only that grammar and rejects any other
 * character, so a model writing `<<process.exit()=` gets no answer rather than a side effect.
 *
 *   expression := term (("+" | "-") term)*
 *   term       := factor (("*" | "/" | "×" | "÷") factor)*
 *   factor     := ("+" | "-") factor | number | "(" expression ")"
 *   number     := digits ["." digits] | "." digits        (commas between digit groups allowed)
 */
import { ForgeError } from '../errors.js';

/** Longest expression the calculator reads; GSM8K's annotations are all far shorter. */
export const MAX_EXPRESSION_LENGTH = 200;
/** Deepest parenthesis nesting accepted, so a pathological input cannot exhaust the stack. */
const MAX_DEPTH = 32;

const NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|^\.\d+/;

class Parser {
  private position = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parse(): number {
    const value = this.expression();
    this.skipSpaces();
    if (this.position < this.text.length) this.fail(`unexpected '${this.text[this.position]}'`);
    return value;
  }

  private expression(): number {
    let value = this.term();
    for (let op = this.operator('+-'); op; op = this.operator('+-')) {
      const right = this.term();
      value = op === '+' ? value + right : value - right;
    }
    return value;
  }

  private term(): number {
    let value = this.factor();
    for (let op = this.operator('*/×÷'); op; op = this.operator('*/×÷')) {
      const right = this.factor();
      value = op === '*' || op === '×' ? value * right : value / right;
    }
    return value;
  }

  private factor(): number {
    this.skipSpaces();
    const sign = this.operator('+-');
    if (sign) return this.nested(() => (sign === '-' ? -this.factor() : this.factor()));
    if (this.text[this.position] === '(') {
      this.position += 1;
      const value = this.nested(() => this.expression());
      this.skipSpaces();
      if (this.text[this.position] !== ')') this.fail("missing ')'");
      this.position += 1;
      return value;
    }
    const match = NUMBER.exec(this.text.slice(this.position));
    if (!match)
      this.fail(this.position < this.text.length ? `unexpected '${this.text[this.position]}'` : 'missing number');
    this.position += match[0].length;
    return Number(match[0].replace(/,/g, ''));
  }

  private nested(read: () => number): number {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    try {
      return read();
    } finally {
      this.depth -= 1;
    }
  }

  private operator(allowed: string): string | undefined {
    this.skipSpaces();
    const char = this.text[this.position];
    if (char === undefined || !allowed.includes(char)) return undefined;
    this.position += 1;
    return char;
  }

  private skipSpaces(): void {
    while (this.text[this.position] === ' ') this.position += 1;
  }

  private fail(reason: string): never {
    throw new ForgeError(`not arithmetic: ${reason} at column ${this.position + 1} of "${this.text}"`, {
      field: 'expression',
    });
  }
}

/**
 * The value of an arithmetic expression (numbers, + − × ÷, parentheses), e.g. `48/2` → 24.
 * Throws a ForgeError for anything else, an expression over {@link MAX_EXPRESSION_LENGTH} characters,
 * or a result that is not a finite number (division by zero).
 */
export function evaluateArithmetic(expression: string): number {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new ForgeError(`not arithmetic: longer than ${MAX_EXPRESSION_LENGTH} characters`, { field: 'expression' });
  }
  const value = new Parser(expression).parse();
  if (!Number.isFinite(value)) {
    throw new ForgeError(`"${expression}" has no finite value (division by zero?)`, { field: 'expression' });
  }
  return value;
}

/**
 * A result as GSM8K's annotations write it: integers plainly, other values to at most 4 decimals
 * with trailing zeros dropped (`10/4` → `2.5`, `2/3` → `0.6667`).
 */
export function formatCalculatorValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const text = value.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}
