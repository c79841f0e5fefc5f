/**
 * Streaming batch-1 generation on top of core's KV cache: one prefill of the prompt, then one cached
 * step per token, each token handed out as soon as it is picked. Same stopping rules and sampling as
 * core's `generate` (so greedy output is identical), plus cancellation through an AbortSignal, checked
 * between tokens, and per-step timings for the latency report.
 */
import { ForgeError, GenerateOptionsSchema, Rng, injectedTokens, parseConfig, pickToken, tf } from '@agent-forge/core';
import type { GenerateOptions, KvCache, StopReason, TinyTitan } from '@agent-forge/core';

/** Why a streamed generation ended: core's reasons, or the caller's signal. */
export type StreamStopReason = StopReason | 'aborted';

/**
 * Core's generation options plus an abort signal.
 * @property maxNewTokens Most tokens to generate, the prompt not counted.
 * @property temperature 0 (default) decodes greedily; above 0, samples from softmax(logits / temperature).
 * @property topK Sample only among the k most likely tokens; unset: the whole vocabulary.
 * @property seed Seed of the sampling draws (default 0): the same seed gives the same tokens.
 * @property stopTokens Generation ends after emitting one of these (it is included in the output).
 * @property injector Tokens a tool appends after a generated token (the calculator); they are output and fed to the model, never sampled.
 */
export interface StreamOptions extends GenerateOptions {
  /** Aborting stops generation before the next token; the tokens so far stay valid. */
  readonly signal?: AbortSignal;
}

/** The result of a streamed generation, with the timings the latency report pools. */
export interface GenerationSummary {
  /** Generated ids only, without the prompt (a stop token included). */
  readonly tokens: number[];
  /** Why generation ended. */
  readonly stopReason: StreamStopReason;
  /** Prompt length, tokens. */
  readonly promptTokens: number;
  /** Prompt forward through the cache, logits read back included. */
  readonly prefillMs: number;
  /** From the call to the first token being handed out. */
  readonly timeToFirstTokenMs: number;
  /** Milliseconds of each cached one-token step: forward and logits read-back. */
  readonly stepMs: number[];
}

/** Gives the event loop a turn, so signals, sockets and Ctrl-C are served between tokens. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Feeds `ids` through the cache and reads back the last position's logits. */
async function nextTokenLogits(model: TinyTitan, cache: KvCache, ids: Int32Array): Promise<Float32Array> {
  const { vocabSize } = model.config;
  const last = tf.tidy(() => {
    const logits = model.forwardStep(tf.tensor2d(ids, [1, ids.length], 'int32'), cache);
    return tf.reshape(tf.slice(logits, [0, ids.length - 1, 0], [1, 1, vocabSize]), [-1]);
  });
  try {
    return (await last.data()) as Float32Array;
  } finally {
    last.dispose();
  }
}

function checkPrompt(model: TinyTitan, promptIds: readonly number[]): void {
  const { contextLength, vocabSize } = model.config;
  if (promptIds.length === 0 || promptIds.length > contextLength) {
    throw new ForgeError(`prompt has ${promptIds.length} tokens; the model takes 1 to ${contextLength}`, {
      field: 'prompt',
    });
  }
  const bad = promptIds.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad !== undefined) throw new ForgeError(`prompt id ${bad} is not in [0, ${vocabSize})`, { field: 'prompt' });
}

/**
 * Yields generated token ids one at a time and returns the summary. Breaking out of the loop early
 * frees the cache as well (the generator's `finally`).
 */
export async function* streamTokens(
  model: TinyTitan,
  promptIds: readonly number[],
  options: StreamOptions,
): AsyncGenerator<number, GenerationSummary, void> {
  const settings = parseConfig(GenerateOptionsSchema, { ...options, signal: undefined }, { prefix: 'generate' });
  checkPrompt(model, promptIds);
  const started = performance.now();
  const tokens: number[] = [];
  const stepMs: number[] = [];
  const summary = (stopReason: StreamStopReason, prefillMs: number, firstMs: number): GenerationSummary => ({
    tokens,
    stopReason,
    promptTokens: promptIds.length,
    prefillMs,
    timeToFirstTokenMs: firstMs,
    stepMs,
  });
  if (settings.maxNewTokens === 0 || options.signal?.aborted)
    return summary(options.signal?.aborted ? 'aborted' : 'max-new-tokens', 0, 0);
  const stopTokens = new Set(settings.stopTokens);
  const rng = Rng.fromSeed(settings.seed);
  const cache = model.createCache();
  try {
    let logits = await nextTokenLogits(model, cache, Int32Array.from(promptIds));
    const prefillMs = performance.now() - started;
    let firstMs = 0;
    for (;;) {
      const token = pickToken(logits, settings, rng);
      tokens.push(token);
      if (tokens.length === 1) firstMs = performance.now() - started;
      yield token;
      if (stopTokens.has(token)) return summary('stop-token', prefillMs, firstMs);
      if (tokens.length >= settings.maxNewTokens) return summary('max-new-tokens', prefillMs, firstMs);
      if (cache.length >= model.config.contextLength) return summary('context-full', prefillMs, firstMs);
      const injected = injectedTokens(settings, tokens, model.config.contextLength - cache.length - 1);
      for (const id of injected) {
        tokens.push(id);
        yield id;
      }
      if (tokens.length >= settings.maxNewTokens) return summary('max-new-tokens', prefillMs, firstMs);
      await yieldToEventLoop();
      if (options.signal?.aborted) return summary('aborted', prefillMs, firstMs);
      const stepStarted = performance.now();
      logits = await nextTokenLogits(model, cache, Int32Array.from([token, ...injected]));
      stepMs.push(performance.now() - stepStarted);
    }
  } finally {
    cache.dispose();
  }
}

/** Runs `streamTokens` to the end, calling `onToken` for each token as it arrives. */
export async function generateStreaming(
  model: TinyTitan,
  promptIds: readonly number[],
  options: StreamOptions,
  onToken: (token: number) => void = () => undefined,
): Promise<GenerationSummary> {
  const stream = streamTokens(model, promptIds, options);
  for (;;) {
    const next = await stream.next();
    if (next.done) return next.value;
    onToken(next.value);
  }
}
