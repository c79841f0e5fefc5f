/**
 * The OpenAI-compatible endpoints: `/v1/completions` and `/v1/chat/completions` (JSON or SSE), and
 * `/v1/models`. Each request is validated completely before it joins the engine's queue, so a bad one
 * costs no model time and gets a 4xx naming the field.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { isForgeError } from '@agent-forge/core';
import type { z } from 'zod';
import type { CompletionRequest, CompletionResult, EdgeEngine } from '../engine.js';
import { CHAT_STOP_STRINGS, chatPrompt, type ChatMessage } from '../prompt-format.js';
import { HttpError, sendEvent, sendJson, startEventStream } from './http-io.js';
import { ChatBodySchema, CompletionBodySchema, stopList, type ChatBody, type CompletionBody } from './schemas.js';

/** Model ids the server answers to: the model, and `model:persona` for each persona it has. */
export function modelIds(engine: EdgeEngine): string[] {
  const { id, personas } = engine.edgeModel;
  return [id, ...personas.map((persona) => `${id}:${persona}`)];
}

export function modelList(engine: EdgeEngine, created: number): unknown {
  return {
    object: 'list',
    data: modelIds(engine).map((id) => ({ id, object: 'model', created, owned_by: 'agent-forge' })),
  };
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue?.path.join('.') || null;
  throw new HttpError(
    400,
    `invalid request: ${param ?? 'body'}: ${issue?.message ?? 'invalid'}`,
    'invalid_request',
    param,
  );
}

/** The persona a `model` field selects (null: the plain model); unknown ids are a 404. */
function personaFor(engine: EdgeEngine, model: string): string | null {
  const { id, personas } = engine.edgeModel;
  if (model === id) return null;
  const persona = model.startsWith(`${id}:`) ? model.slice(id.length + 1) : undefined;
  if (persona !== undefined && personas.includes(persona)) return persona;
  throw new HttpError(
    404,
    `the model '${model}' does not exist; this server has: ${modelIds(engine).join(', ')}`,
    'model_not_found',
    'model',
  );
}

function maxTokens(engine: EdgeEngine, value: number | null | undefined, fallback: number, param: string): number {
  const limit = engine.contextLength;
  const chosen = value ?? fallback;
  if (chosen < 1 || chosen > limit)
    throw new HttpError(
      400,
      `${param} must be between 1 and ${limit} (the model's context), got ${chosen}`,
      'invalid_value',
      param,
    );
  return chosen;
}

/** Encodes the prompt, turning "too long" into OpenAI's context_length_exceeded. */
function promptIds(engine: EdgeEngine, prompt: string | readonly number[], param: string): number[] {
  try {
    return engine.promptIds(prompt);
  } catch (error) {
    if (!isForgeError(error)) throw error;
    throw new HttpError(400, error.message, prompt.length === 0 ? 'invalid_value' : 'context_length_exceeded', param);
  }
}

interface Prepared {
  readonly request: CompletionRequest;
  readonly model: string;
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

function shared(
  engine: EdgeEngine,
  body: CompletionBody | ChatBody,
  prompt: number[],
  tokens: number,
  stop: string[],
  signal: AbortSignal,
): Prepared {
  const persona = personaFor(engine, body.model);
  const request: CompletionRequest = {
    prompt,
    maxTokens: tokens,
    temperature: body.temperature ?? 0,
    topK: body.top_k ?? undefined,
    seed: body.seed ?? 0,
    stop,
    persona: engine.edgeModel.personas.length > 0 ? persona : undefined,
    signal,
  };
  return {
    request,
    model: body.model,
    stream: body.stream ?? false,
    includeUsage: body.stream_options?.include_usage ?? false,
  };
}

export function prepareCompletion(engine: EdgeEngine, raw: unknown, signal: AbortSignal): Prepared {
  const body = parseBody(CompletionBodySchema, raw);
  personaFor(engine, body.model);
  const text =
    Array.isArray(body.prompt) && typeof body.prompt[0] === 'string' ? (body.prompt[0] as string) : body.prompt;
  const ids = promptIds(engine, text as string | number[], 'prompt');
  return shared(engine, body, ids, maxTokens(engine, body.max_tokens, 16, 'max_tokens'), stopList(body.stop), signal);
}

function messageText(content: string | ReadonlyArray<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

export function prepareChat(engine: EdgeEngine, raw: unknown, signal: AbortSignal): Prepared {
  const body = parseBody(ChatBodySchema, raw);
  personaFor(engine, body.model);
  const messages: ChatMessage[] = body.messages.map((m) => ({
    role: m.role === 'developer' ? 'system' : m.role,
    content: messageText(m.content),
  }));
  const ids = promptIds(engine, chatPrompt(messages), 'messages');
  const requested = body.max_completion_tokens ?? body.max_tokens;
  const tokens = maxTokens(
    engine,
    requested,
    engine.contextLength,
    body.max_completion_tokens === undefined ? 'max_tokens' : 'max_completion_tokens',
  );
  return shared(engine, body, ids, tokens, [...CHAT_STOP_STRINGS, ...stopList(body.stop)], signal);
}

const usage = (result: CompletionResult) => ({
  prompt_tokens: result.promptTokens,
  completion_tokens: result.completionTokens,
  total_tokens: result.promptTokens + result.completionTokens,
});

/** Runs a completion as JSON or SSE; `kind` picks the OpenAI object shapes. */
export async function respond(
  engine: EdgeEngine,
  prepared: Prepared,
  kind: 'text' | 'chat',
  response: ServerResponse,
): Promise<void> {
  const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const head = { id, created, model: prepared.model };
  if (!prepared.stream) {
    const result = await engine.complete(prepared.request);
    const choice =
      kind === 'chat'
        ? {
            index: 0,
            message: { role: 'assistant', content: result.text, refusal: null },
            finish_reason: result.finishReason,
            logprobs: null,
          }
        : { index: 0, text: result.text, finish_reason: result.finishReason, logprobs: null };
    sendJson(response, 200, {
      ...head,
      object: kind === 'chat' ? 'chat.completion' : 'text_completion',
      choices: [choice],
      usage: usage(result),
    });
    return;
  }
  await streamResponse(engine, prepared, kind, head, response);
}

async function streamResponse(
  engine: EdgeEngine,
  prepared: Prepared,
  kind: 'text' | 'chat',
  head: { id: string; created: number; model: string },
  response: ServerResponse,
): Promise<void> {
  const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  const chunk = (piece: string | null, finishReason: string | null, first = false) => {
    const choice =
      kind === 'chat'
        ? {
            index: 0,
            delta: piece === null ? {} : { ...(first ? { role: 'assistant' } : {}), content: piece },
            finish_reason: finishReason,
            logprobs: null,
          }
        : { index: 0, text: piece ?? '', finish_reason: finishReason, logprobs: null };
    return { ...head, object, choices: [choice] };
  };
  // Headers go out at once, so a queued client knows it was accepted.
  startEventStream(response);
  if (kind === 'chat') sendEvent(response, chunk('', null, true));
  const result = await engine.complete(prepared.request, (piece) => sendEvent(response, chunk(piece, null)));
  sendEvent(response, chunk(null, result.finishReason));
  if (prepared.includeUsage) sendEvent(response, { ...head, object, choices: [], usage: usage(result) });
  sendEvent(response, '[DONE]');
  response.end();
}
