import { describe, expect, it } from 'vitest';
import { trainBpe } from '../../src/data/index.js';
import { ForgeError } from '../../src/errors.js';
import {
  calculatorCompletion,
  calculatorInjector,
  evaluateArithmetic,
  formatCalculatorValue,
} from '../../src/tools/index.js';

describe('evaluateArithmetic', () => {
  it.each([
    ['48/2', 24],
    ['3*4+2', 14],
    ['2+3*4', 14],
    ['(3+4)*2', 14],
    ['10-4-3', 3],
    ['64/4/2', 8],
    ['-3+5', 2],
    ['-(2+3)*2', -10],
    ['1,000*2', 2000],
    ['.5*4', 2],
    ['10/4', 2.5],
    ['2×3÷4', 1.5],
    [' 12 * ( 3 + 1 ) ', 48],
  ])('%s = %d', (expression, value) => {
    expect(evaluateArithmetic(expression)).toBe(value);
  });

  it.each([
    'process.exit()',
    'Math.PI',
    'constructor',
    '2**3',
    '2^3',
    '1e3',
    '0x10',
    '2;3',
    '2,3',
    '$5',
    '`1`',
    '',
    '(1+2',
    '1+2)',
    '1+',
    '()',
    '3 4',
    '1/0',
    '0/0',
    '('.repeat(40) + '1' + ')'.repeat(40),
    '1+'.repeat(150) + '1',
  ])('rejects %j with a ForgeError', (expression) => {
    expect(() => evaluateArithmetic(expression)).toThrow(ForgeError);
  });

  it('never evaluates anything holding a letter, quote or bracket other than ( )', () => {
    const foreign = 'abcdefghijklmnopqrstuvwxyzABCXYZ_$"\'`[]{};:!&|<>?=%^~#@\\';
    for (const char of foreign) {
      for (const text of [`${char}`, `1+${char}`, `${char}(2)`, `(2)${char}`, `2*${char}3`]) {
        expect(() => evaluateArithmetic(text), text).toThrow(ForgeError);
      }
    }
  });
});

describe('formatCalculatorValue', () => {
  it('writes integers plainly and fractions to at most 4 decimals', () => {
    expect(formatCalculatorValue(24)).toBe('24');
    expect(formatCalculatorValue(2.5)).toBe('2.5');
    expect(formatCalculatorValue(2 / 3)).toBe('0.6667');
    expect(formatCalculatorValue(-1e-9)).toBe('0');
  });
});

describe('calculatorCompletion', () => {
  it('completes an open annotation ending in "="', () => {
    expect(calculatorCompletion('She has 48/2 = <<48/2=')).toBe('24>>');
    expect(calculatorCompletion('<<1+1=2>>2 and <<2*3=')).toBe('6>>');
  });

  it('does nothing outside an open annotation or for a non-arithmetic one', () => {
    expect(calculatorCompletion('48/2 =')).toBeUndefined();
    expect(calculatorCompletion('<<48/2=24>> so x =')).toBeUndefined();
    expect(calculatorCompletion('<<48/2')).toBeUndefined();
    expect(calculatorCompletion('<<a*b=')).toBeUndefined();
    expect(calculatorCompletion('<<3=4=')).toBeUndefined();
    expect(calculatorCompletion('<<1/0=')).toBeUndefined();
  });
});

describe('calculatorInjector', () => {
  const tokenizer = trainBpe(
    ['Half of 48 is 48/2 = <<48/2=24>>24 apples.', 'Then 3*4 = <<3*4=12>>12 and 10/4 = <<10/4=2.5>>2.5.'],
    { vocabSize: 300 },
  );

  it("encodes the answer with the model's tokenizer once the model has written `<<expr=`", () => {
    const inject = calculatorInjector(tokenizer);
    const written = tokenizer.encode('so 7*6 = <<7*6=');
    expect(tokenizer.decode(inject(written))).toBe('42>>');
    expect(inject(tokenizer.encode('so 7*6 = <<7*6'))).toEqual([]);
  });
});
