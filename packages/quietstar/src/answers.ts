/**
 * Answer accuracy with and without thoughts (greedy decoding, exact match after `####`) and decoding
 * latency. Latency is a measurement for reports and benchmarks, never a test assertion.
 */
import {
  SPECIAL_IDS,
  answerAccuracy,
  formatProblem,
  generate,
  greedyCompleter,
  msPerToken,
  promptRoom,
} from '@agent-forge/core';
import type { Completer, Problem } from '@agent-forge/core';
import { generateWithThoughts } from './think.js';
import type { Thinker } from './thinker.js';

/** The part of a tokenizer the accuracy check needs. */
export interface Codec {
  /** Text to token ids. */
  encode(text: string): number[];
  /** Token ids to text. */
  decode(ids: ArrayLike<number>): string;
}

/** A Completer that thinks before every token (thoughts sampled from `seed`). */
export function thoughtCompleter(thinker: Thinker, tokenizer: Codec, maxNewTokens: number, seed = 0): Completer {
  return async (prompt) => {
    const ids = tokenizer.encode(prompt).slice(-promptRoom(thinker.model.config.contextLength, maxNewTokens));
    const { tokens } = generateWithThoughts(thinker, ids, { maxNewTokens, seed });
    return tokenizer.decode(tokens.filter((id) => id !== SPECIAL_IDS.eos));
  };
}

/** Exact-match answer accuracy (0 … 1) of the same problems decoded both ways. */
export interface AccuracyPair {
  /** Greedy decoding with a thought before every token (`thoughtCompleter`). */
  readonly withThoughts: number;
  /** Core's greedy decoding of the bare model (no thoughts). */
  readonly withoutThoughts: number;
}

/**
 * Greedy-decodes each problem's prompt with and without thoughts and scores the answer after `####`;
 * `undefined` for no problems. Slow: every token with thoughts costs a whole thought.
 */
export async function accuracyWithAndWithout(
  thinker: Thinker,
  tokenizer: Codec,
  problems: readonly Problem[],
  maxNewTokens: number,
): Promise<AccuracyPair | undefined> {
  if (problems.length === 0) return undefined;
  const promptOf = (problem: Problem) => formatProblem(problem).prompt;
  const without = await answerAccuracy(problems, promptOf, greedyCompleter(thinker.model, tokenizer, maxNewTokens));
  const withThoughts = await answerAccuracy(problems, promptOf, thoughtCompleter(thinker, tokenizer, maxNewTokens));
  return { withThoughts: withThoughts.accuracy, withoutThoughts: without.accuracy };
}

/** Decoding speed with and without thoughts (a measurement for reports, never asserted in tests). */
export interface Latency {
  /** ms per generated token with a thought before each token (`generateWithThoughts`, cached prefix). */
  readonly msPerTokenWithThoughts: number;
  /** ms per token of core `generate` (KV cache), the model without thoughts. */
  readonly msPerTokenWithoutThoughts: number;
  /** Tokens generated in the timed run with thoughts (the request capped by the room left in the context). */
  readonly tokens: number;
}

/** Times `tokens` greedy tokens after `promptIds` both ways (stop tokens ignored). */
export async function measureLatency(thinker: Thinker, promptIds: readonly number[], tokens: number): Promise<Latency> {
  const room = Math.max(1, Math.min(tokens, thinker.model.config.contextLength - promptIds.length));
  const run = () => Promise.resolve(generateWithThoughts(thinker, promptIds, { maxNewTokens: room, stopTokens: [] }));
  await run(); // warm-up: kernels and caches
  const withThoughts = await msPerToken(run);
  const without = await msPerToken(() => generate(thinker.model, promptIds, { maxNewTokens: room }));
  return {
    msPerTokenWithThoughts: withThoughts.msPerToken,
    msPerTokenWithoutThoughts: without.msPerToken,
    tokens: withThoughts.tokens,
  };
}
