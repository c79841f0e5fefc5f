/**
 * The runtime a chat or a server talks to: text in, streamed text out, one request at a time through a
 * FIFO queue (requests wait their turn; they are never interleaved into one KV cache).
 */
import { ForgeError, SPECIAL_IDS, calculatorInjector } from '@agent-forge/core';
import type { TokenInjector } from '@agent-forge/core';
import type { EdgeModel } from './edge-model.js';
import { SerialQueue } from './queue.js';
import { generateStreaming, type GenerationSummary, type StreamOptions } from './runtime.js';
import { TextStream } from './text-stream.js';

/** One completion for {@link EdgeEngine.complete}: a prompt and the sampling limits. */
export interface CompletionRequest {
  /** Prompt text (encoded without special tokens) or ids. */
  readonly prompt: string | readonly number[];
  /** Most tokens to generate (fewer on end of sequence, a stop string or a full context). */
  readonly maxTokens: number;
  /** 0 = greedy. */
  readonly temperature?: number;
  /** Sample only among the k most likely tokens; unset: the whole vocabulary. */
  readonly topK?: number;
  /** Seed of the sampling draws (default 0); same seed, same prompt, same text. */
  readonly seed?: number;
  /** Text that ends the completion (not included). */
  readonly stop?: readonly string[];
  /** Persona to switch to first (baked models); undefined keeps the current one. */
  readonly persona?: string | null;
  /** Aborting ends generation before the next token; the text so far is returned with finish reason `stop`. */
  readonly signal?: AbortSignal;
}

/** `stop`: end of sequence, a stop string or an abort; `length`: max tokens or the context ran out. */
export type FinishReason = 'stop' | 'length';

/** A finished completion, with the token counts an OpenAI `usage` block reports. */
export interface CompletionResult {
  /** The generated text, cut before any stop string; end-of-sequence and padding are not shown. */
  readonly text: string;
  /** Why it ended (`length`: ran out of tokens or context; `stop`: otherwise). */
  readonly finishReason: FinishReason;
  /** Tokens of the encoded prompt. */
  readonly promptTokens: number;
  /** Tokens generated, including any that a stop string then cut from `text`. */
  readonly completionTokens: number;
  /** The raw generation: token ids, stop reason and per-step timings. */
  readonly summary: GenerationSummary;
}

/**
 * Generates the tokens of one completion: what {@link EdgeEngine} runs for each request. The default is
 * this package's `generateStreaming` on the model; another runtime (llama.cpp, onnxruntime running an
 * exported copy of the model) plugs in here with the same stop rules and the same summary.
 */
export type TokenGenerator = (
  promptIds: readonly number[],
  options: StreamOptions,
  onToken: (token: number) => void,
) => Promise<GenerationSummary>;

/** Options of {@link EdgeEngine}. */
export interface EdgeEngineOptions {
  /** Generates the tokens; default `generateStreaming` on the edge model. */
  readonly generate?: TokenGenerator;
  /**
   * Run the calculator in the loop: after the model writes `<<48/2=`, `24>>` is appended and fed to it
   * (GSM8K's calculator annotations). Default false here; `forge chat` and `forge serve` turn it on.
   * Only forge's own generator runs it, so it cannot be combined with `generate`.
   */
  readonly calculator?: boolean;
}

/**
 * Serves completions from one loaded {@link EdgeModel}, one request at a time in arrival order
 * (never two in one KV cache); used by `forge chat`, `forge serve` and {@link serveModel}.
 */
export class EdgeEngine {
  private readonly queue = new SerialQueue();

  private readonly generate: TokenGenerator;

  private readonly injector: TokenInjector | undefined;

  /**
   * @param edgeModel The model served (its tokenizer always; its weights unless `options.generate` runs elsewhere); the engine does not dispose it.
   * @param options Another token generator, e.g. llama.cpp on an exported copy.
   */
  constructor(
    readonly edgeModel: EdgeModel,
    options: EdgeEngineOptions = {},
  ) {
    if (options.calculator && options.generate) {
      throw new ForgeError("the calculator runs only with forge's own generator, not with another runtime", {
        field: 'calculator',
      });
    }
    this.injector = options.calculator ? calculatorInjector(edgeModel.tokenizer) : undefined;
    this.generate =
      options.generate ??
      ((ids, streamOptions, onToken) => generateStreaming(this.edgeModel.model, ids, streamOptions, onToken));
  }

  /** The model's context in tokens: the longest prompt accepted, and the cap on prompt + completion. */
  get contextLength(): number {
    return this.edgeModel.model.config.contextLength;
  }

  /** Requests queued or running. */
  get pending(): number {
    return this.queue.pending;
  }

  /** Tokens `text` takes. */
  tokenCount(text: string): number {
    return this.edgeModel.tokenizer.encode(text).length;
  }

  /** The prompt's ids; a prompt that does not fit the context is a ForgeError on field `prompt`. */
  promptIds(prompt: string | readonly number[]): number[] {
    const ids = typeof prompt === 'string' ? this.edgeModel.tokenizer.encode(prompt) : [...prompt];
    if (ids.length === 0) throw new ForgeError('the prompt is empty', { field: 'prompt' });
    if (ids.length > this.contextLength) {
      throw new ForgeError(
        `the prompt has ${ids.length} tokens, more than the model's context of ${this.contextLength}`,
        { field: 'prompt' },
      );
    }
    return ids;
  }

  /** Generates after every earlier request has finished; `onText` receives each final piece of text. */
  async complete(
    request: CompletionRequest,
    onText: (piece: string) => void = () => undefined,
  ): Promise<CompletionResult> {
    const ids = this.promptIds(request.prompt);
    this.checkPersona(request.persona);
    return this.queue.run(async () => {
      if (request.persona !== undefined) this.edgeModel.usePersona?.(request.persona);
      return this.run(ids, request, onText);
    });
  }

  private async run(
    ids: number[],
    request: CompletionRequest,
    onText: (piece: string) => void,
  ): Promise<CompletionResult> {
    const stopped = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, stopped.signal]) : stopped.signal;
    const text = new TextStream(
      this.edgeModel.tokenizer,
      request.stop ?? [],
      new Set([SPECIAL_IDS.eos, SPECIAL_IDS.pad]),
    );
    const options = {
      maxNewTokens: request.maxTokens,
      temperature: request.temperature ?? 0,
      topK: request.topK,
      seed: request.seed ?? 0,
      stopTokens: [SPECIAL_IDS.eos],
      injector: this.injector,
      signal,
    };
    const summary = await this.generate(ids, options, (token) => {
      const piece = text.push(token);
      if (piece) onText(piece);
      if (text.stopped) stopped.abort();
    });
    const rest = text.flush();
    if (rest) onText(rest);
    const ranOut = summary.stopReason === 'max-new-tokens' || summary.stopReason === 'context-full';
    const finishReason: FinishReason = ranOut && !text.stopped ? 'length' : 'stop';
    return {
      text: text.text,
      finishReason,
      promptTokens: ids.length,
      completionTokens: summary.tokens.length,
      summary,
    };
  }

  private checkPersona(persona: string | null | undefined): void {
    if (persona === undefined || persona === null) return;
    if (!this.edgeModel.personas.includes(persona)) {
      const known = this.edgeModel.personas.join(', ') || 'none';
      throw new ForgeError(`unknown persona '${persona}' (this model has: ${known})`, { field: 'persona' });
    }
  }
}
