/**
 * The prompts baked by default: the seed's nine personas, each opened by its reserved persona token
 * (`<|persona_i|>`, ids 5–13, which every tokenizer shares), and one tool convention. They are kept
 * short because the tiny preset's context is 64 tokens and the prompt, the input and the sampled
 * continuation must all fit in it for the prompted teacher. Users replace or extend them in the config.
 */
import { ForgeError, personaToken } from '@agent-forge/core';
import type { BpeTokenizer } from '@agent-forge/core';

/** Persona name → system prompt, in the seed's order. */
export const DEFAULT_PERSONAS: Readonly<Record<string, string>> = Object.freeze({
  reasoning: `${personaToken(0)}Think step by step, then answer.`,
  memory: `${personaToken(1)}Recall the facts given and reuse them.`,
  math: `${personaToken(2)}Compute exactly, end with ####.`,
  code: `${personaToken(3)}Answer with short, correct code.`,
  translation: `${personaToken(4)}Translate the text faithfully.`,
  summarization: `${personaToken(5)}Summarise it in one short sentence.`,
  qa: `${personaToken(6)}Answer the question directly.`,
  creative: `${personaToken(7)}Write vividly, with imagination.`,
  general: `${personaToken(8)}You are a helpful assistant.`,
});

/**
 * Tool conventions: prompts that demonstrate a calling style so the baked model emits it unprompted.
 * `calculator` shows GSM8K's `<<a*b=c>>` annotations.
 */
export const DEFAULT_TOOLS: Readonly<Record<string, string>> = Object.freeze({
  calculator: '<|tool_call|>Calculator: 3*4 = <<3*4=12>>12.',
});

/** Adapter (file) names: lower-case, digits and dashes, so they are safe as file names. */
export const PERSONA_NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** `defaults` with `overrides` on top; an override of null removes that entry. */
export function mergePrompts(
  defaults: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string | null>>,
): Record<string, string> {
  const merged: Record<string, string> = { ...defaults };
  for (const [name, prompt] of Object.entries(overrides)) {
    if (prompt === null) delete merged[name];
    else merged[name] = prompt;
  }
  return merged;
}

/** Token ids of a system prompt; reserved tokens written in it (`<|persona_2|>`) are matched. */
export function encodePrompt(tokenizer: BpeTokenizer, prompt: string, name: string): number[] {
  const ids = tokenizer.encode(prompt, { allowSpecial: true });
  if (ids.length === 0) throw new ForgeError(`the prompt of '${name}' is empty`, { field: `personas.${name}` });
  return ids;
}
