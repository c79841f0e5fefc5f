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
 * How many prompt tokens a completer keeps: all that leave `maxNewTokens` of room in the context, but at
 * least half the context. A budget near the context length (long worked answers: a difficulty-3 answer is
 * ~130 tokens) must not cut the question down to its last tokens; the answer then ends at a full context.
 */
export function promptRoom(contextLength: number, maxNewTokens: number): number {
  const reserved = Math.min(maxNewTokens, Math.floor(contextLength / 2));
  return Math.max(1, contextLength - reserved);
}

/**
 * A Completer that decodes greedily with the KV cache until `<eos>`, `maxNewTokens` or a full context,
 * keeping the prompt's last {@link promptRoom} tokens.
 */
export function greedyCompleter(
  model: TinyTitan,
  tokenizer: { encode(text: string): number[]; decode(ids: ArrayLike<number>): string },
  maxNewTokens = 64,
  options: GreedyCompleterOptions = {},
): Completer {
  const injector = options.calculator === false ? undefined : calculatorInjector(tokenizer);
  return async (prompt) => {
    const ids = tokenizer.encode(prompt).slice(-promptRoom(model.config.contextLength, maxNewTokens));
    const result = await generate(model, ids, {
      maxNewTokens,
      temperature: 0,
      stopTokens: [SPECIAL_IDS.eos],
      injector,
    });
    return tokenizer.decode(result.tokens.filter((id) => id !== SPECIAL_IDS.eos));
  };
}
