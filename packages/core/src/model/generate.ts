/**
 * Autoregressive generation with the KV cache: one prefill of the prompt, then one token per step.
 * Generation stops — it never slides a window — when the context is full: sliding would mean re-encoding
 * the kept tokens at new positions (learned positions and cached rotary keys are both tied to absolute
 * positions), and every caller here (eval, chat demos) works well inside the context.
 */
import { z } from 'zod';
import { tf } from '../backend/tf.js';
import { ForgeError } from '../errors.js';
import { Rng } from '../rng/rng.js';
import type { KvCache } from './cache.js';
import type { TinyTitan } from './model.js';
import { pickToken } from './sampling.js';
import type { TokenInjector } from '../tools/calculator.js';

/** Validates `generate` options and fills defaults: greedy, seed 0, no stop tokens. */
export const GenerateOptionsSchema = z.object({
  /** Most tokens to generate (the prompt not counted). */
  maxNewTokens: z.number().int().nonnegative(),
  /** 0 (default) = greedy; above 0 = sample from softmax(logits / temperature). */
  temperature: z.number().nonnegative().default(0),
  /** Sample only among the k most likely tokens; default: all. */
  topK: z.number().int().positive().optional(),
  /** Seed of the sampling draws: the same seed gives the same tokens. Default 0. */
  seed: z.number().int().default(0),
  /** Generation ends after emitting any of these (the stop token is included in the output). */
  stopTokens: z.array(z.number().int()).default([]),
  /**
   * Tokens a tool appends after a generated token (the calculator: `calculatorInjector`); they count as
   * output and are fed to the model, never sampled. Default: none.
   */
  injector: z.custom<TokenInjector>((value) => typeof value === 'function', 'must be a function').optional(),
});

/** Options of `generate`; only `maxNewTokens` is required. */
export type GenerateOptions = z.input<typeof GenerateOptionsSchema>;

/** Why generation ended. `context-full`: prompt + output reached contextLength + 1 tokens. */
export type StopReason = 'stop-token' | 'max-new-tokens' | 'context-full';

/** The continuation `generate` produced and why it ended. */
export interface GenerateResult {
  /** The generated ids only, without the prompt. */
  readonly tokens: number[];
  /** Why generation ended: a stop token, the `maxNewTokens` budget, or a full context. */
  readonly stopReason: StopReason;
}

/** Continues `promptIds` (1 … contextLength ids) greedily or by seeded sampling. */
export async function generate(
  model: TinyTitan,
  promptIds: readonly number[],
  options: GenerateOptions,
): Promise<GenerateResult> {
  const settings = parseOptions(options);
  assertPrompt(promptIds, model.config.vocabSize, model.config.contextLength);
  const tokens: number[] = [];
  if (settings.maxNewTokens === 0) return { tokens, stopReason: 'max-new-tokens' };
  const stopTokens = new Set(settings.stopTokens);
  const rng = Rng.fromSeed(settings.seed);
  const cache = model.createCache();
  try {
    let logits = await nextTokenLogits(model, cache, promptIds);
    for (;;) {
      const token = pickToken(logits, settings, rng);
      tokens.push(token);
      if (stopTokens.has(token)) return { tokens, stopReason: 'stop-token' };
      if (tokens.length >= settings.maxNewTokens) return { tokens, stopReason: 'max-new-tokens' };
      // The token just picked would need position cache.length, which the context does not have.
      if (cache.length >= model.config.contextLength) return { tokens, stopReason: 'context-full' };
      const injected = injectedTokens(settings, tokens, model.config.contextLength - cache.length - 1);
      tokens.push(...injected);
      if (tokens.length >= settings.maxNewTokens) return { tokens, stopReason: 'max-new-tokens' };
      logits = await nextTokenLogits(model, cache, [token, ...injected]);
    }
  } finally {
    cache.dispose();
  }
}

/**
 * What `settings.injector` appends after the latest token, cut to the token budget and to the `room`
 * left in the context after that token (the last appended token is fed, so it needs a position too).
 */
export function injectedTokens(
  settings: { readonly maxNewTokens: number; readonly injector?: TokenInjector | undefined },
  tokens: readonly number[],
  room: number,
): readonly number[] {
  if (!settings.injector) return [];
  const injected = settings.injector(tokens);
  return injected.slice(0, Math.max(0, Math.min(settings.maxNewTokens - tokens.length, room)));
}

/** Feeds `ids` through the cache and reads back the last position's logits. */
async function nextTokenLogits(model: TinyTitan, cache: KvCache, ids: readonly number[]): Promise<Float32Array> {
  // Return the tensor from tidy and read it outside: tidy walks returned arrays element by element (REPORT F6).
  const last = tf.tidy(() => {
    const logits = model.forwardStep(tf.tensor2d([...ids], [1, ids.length], 'int32'), cache);
    return tf.reshape(tf.slice(logits, [0, ids.length - 1, 0], [1, 1, model.config.vocabSize]), [-1]);
  });
  try {
    return (await last.data()) as Float32Array;
  } finally {
    last.dispose();
  }
}

function parseOptions(options: GenerateOptions): z.output<typeof GenerateOptionsSchema> {
  const result = GenerateOptionsSchema.safeParse(options);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ForgeError(`invalid generate options: ${issue?.message ?? result.error.message}`, {
    field: issue?.path.join('.') ?? 'options',
    cause: result.error,
  });
}

function assertPrompt(promptIds: readonly number[], vocabSize: number, contextLength: number): void {
  if (promptIds.length === 0 || promptIds.length > contextLength) {
    throw new ForgeError(`prompt has ${promptIds.length} tokens; it needs 1 to ${contextLength}`, {
      field: 'promptIds',
    });
  }
  const bad = promptIds.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad !== undefined) throw new ForgeError(`prompt id ${bad} is not in [0, ${vocabSize})`, { field: 'promptIds' });
}
