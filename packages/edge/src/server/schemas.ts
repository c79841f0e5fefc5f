/**
 * The request bodies the server accepts: the OpenAI fields this runtime can honour. Unknown fields
 * (top_p, user, penalties…) are dropped rather than refused, as clients send them by default.
 */
import { z } from 'zod';

const stopSchema = z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).nullish();

const sharedFields = {
  model: z.string().min(1),
  /** 0 = greedy. OpenAI's range. */
  temperature: z.number().min(0).max(2).nullish(),
  seed: z.number().int().nullish(),
  stop: stopSchema,
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  /** Only one choice per request: batch-1 runtime. */
  n: z.literal(1).nullish(),
  /** Not in OpenAI's API, accepted as llama.cpp's server does. */
  top_k: z.number().int().positive().nullish(),
  /** Checked against the model's context by the handler, so the message can name the limit. */
  max_tokens: z.number().int().nullish(),
};

export const CompletionBodySchema = z.object({
  ...sharedFields,
  prompt: z.union([z.string(), z.array(z.string()).length(1), z.array(z.number().int().nonnegative()).min(1)]),
});
export type CompletionBody = z.output<typeof CompletionBodySchema>;

const textPart = z.object({ type: z.literal('text'), text: z.string() });

export const ChatBodySchema = z.object({
  ...sharedFields,
  max_completion_tokens: z.number().int().nullish(),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant']),
        content: z.union([z.string(), z.array(textPart)]),
      }),
    )
    .min(1),
});
export type ChatBody = z.output<typeof ChatBodySchema>;

/** Stop strings as a list. */
export function stopList(stop: string | readonly string[] | null | undefined): string[] {
  if (stop === null || stop === undefined) return [];
  return typeof stop === 'string' ? [stop] : [...stop];
}
