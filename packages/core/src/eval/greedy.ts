import { SPECIAL_IDS } from '../data/tokenizer/index.js';
import { generate } from '../model/generate.js';
import type { TinyTitan } from '../model/model.js';
import { calculatorInjector } from '../tools/calculator.js';
import type { Completer } from './accuracy.js';

/** Options of {@link greedyCompleter}. */
export interface GreedyCompleterOptions {
  /**
   * Run the calculator in the loop (`<<48/2=` → `24>>` appended, as GSM8K's authors sampled). Default
   * true: answer accuracy is measured with it, and reported without it beside.
   */
  readonly calculator?: boolean;
}

/**
 * A Completer that decodes greedily with the KV cache until `<eos>` or `maxNewTokens`, keeping
 * the prompt's last tokens when it would not leave room to answer.
 */
export function greedyCompleter(
  model: TinyTitan,
  tokenizer: { encode(text: string): number[]; decode(ids: ArrayLike<number>): string },
  maxNewTokens = 64,
  options: GreedyCompleterOptions = {},
): Completer {
  const injector = options.calculator === false ? undefined : calculatorInjector(tokenizer);
  return async (prompt) => {
    const room = Math.max(1, model.config.contextLength - maxNewTokens);
    const ids = tokenizer.encode(prompt).slice(-room);
    const result = await generate(model, ids, {
      maxNewTokens,
      temperature: 0,
      stopTokens: [SPECIAL_IDS.eos],
      injector,
    });
    return tokenizer.decode(result.tokens.filter((id) => id !== SPECIAL_IDS.eos));
  };
}
