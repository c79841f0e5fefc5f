/**
 * The runtime a chat or a server talks to: text in, streamed text out, one request at a time through a
 * FIFO queue (requests wait their turn; they are never interleaved into one KV cache).
 */
import { ForgeError, SPECIAL_IDS } from '@agent-forge/core';
import type { EdgeModel } from './edge-model.js';
import { SerialQueue } from './queue.js';
import { generateStreaming, type GenerationSummary } from './runtime.js';
import { TextStream } from './text-stream.js';

export interface CompletionRequest {
  /** Prompt text (encoded without special tokens) or ids. */
  readonly prompt: string | readonly number[];
  readonly maxTokens: number;
  /** 0 = greedy. */
  readonly temperature?: number;
  readonly topK?: number;
  readonly seed?: number;
  /** Text that ends the completion (not included). */
  readonly stop?: readonly string[];
  /** Persona to switch to first (baked models); undefined keeps the current one. */
  readonly persona?: string | null;
  readonly signal?: AbortSignal;
}

/** `stop`: end of sequence, a stop string or an abort; `length`: max tokens or the context ran out. */
export type FinishReason = 'stop' | 'length';

export interface CompletionResult {
  readonly text: string;
  readonly finishReason: FinishReason;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly summary: GenerationSummary;
}

export class EdgeEngine {
  private readonly queue = new SerialQueue();

  constructor(readonly edgeModel: EdgeModel) {}

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
      throw new ForgeError(`the prompt has ${ids.length} tokens, more than the model's context of ${this.contextLength}`, { field: 'prompt' });
    }
    return ids;
  }

  /** Generates after every earlier request has finished; `onText` receives each final piece of text. */
  async complete(request: CompletionRequest, onText: (piece: string) => void = () => undefined): Promise<CompletionResult> {
    const ids = this.promptIds(request.prompt);
    this.checkPersona(request.persona);
    return this.queue.run(async () => {
      if (request.persona !== undefined) this.edgeModel.usePersona?.(request.persona);
      return this.run(ids, request, onText);
    });
  }

  private async run(ids: number[], request: CompletionRequest, onText: (piece: string) => void): Promise<CompletionResult> {
    const stopped = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, stopped.signal]) : stopped.signal;
    const text = new TextStream(this.edgeModel.tokenizer, request.stop ?? [], new Set([SPECIAL_IDS.eos, SPECIAL_IDS.pad]));
    const options = { maxNewTokens: request.maxTokens, temperature: request.temperature ?? 0, topK: request.topK, seed: request.seed ?? 0, stopTokens: [SPECIAL_IDS.eos], signal };
    const summary = await generateStreaming(this.edgeModel.model, ids, options, (token) => {
      const piece = text.push(token);
      if (piece) onText(piece);
      if (text.stopped) stopped.abort();
    });
    const rest = text.flush();
    if (rest) onText(rest);
    const ranOut = summary.stopReason === 'max-new-tokens' || summary.stopReason === 'context-full';
    const finishReason: FinishReason = ranOut && !text.stopped ? 'length' : 'stop';
    return { text: text.text, finishReason, promptTokens: ids.length, completionTokens: summary.tokens.length, summary };
  }

  private checkPersona(persona: string | null | undefined): void {
    if (persona === undefined || persona === null) return;
    if (!this.edgeModel.personas.includes(persona)) {
      const known = this.edgeModel.personas.join(', ') || 'none';
      throw new ForgeError(`unknown persona '${persona}' (this model has: ${known})`, { field: 'persona' });
    }
  }
}
