export { MAX_EXPRESSION_LENGTH, evaluateArithmetic, formatCalculatorValue } from './arithmetic.js';
export {
  calculatorCompletion,
  calculatorInjector,
  type CalculatorTokenizer,
  type TokenInjector,
} from './calculator.js';
