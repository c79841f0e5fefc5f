import { SPECIAL_IDS } from '../data/tokenizer/index.js';
import { generate } from '../model/generate.js';
import type { TinyTitan } from '../model/model.js';
import type { Completer } from './accuracy.js';

/**
 * A Completer that decodes greedily with the KV cache until `<eos>` or `maxNewTokens`, keeping
 * the prompt's last tokens when it would not leave room to answer.
 */
export function greedyCompleter(
  model: TinyTitan,
  tokenizer: { encode(text: string): number[]; decode(ids: ArrayLike<number>): string },
  maxNewTokens = 64,
): Completer {
  return async (prompt) => {
    const room = Math.max(1, model.config.contextLength - maxNewTokens);
    const ids = tokenizer.encode(prompt).slice(-room);
    const result = await generate(model, ids, { maxNewTokens, temperature: 0, stopTokens: [SPECIAL_IDS.eos] });
    return tokenizer.decode(result.tokens.filter((id) => id !== SPECIAL_IDS.eos));
  };
}
