import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';

const isFile = (file: string): boolean => existsSync(file) && statSync(file).isFile();

/**
 * `effects.gsm8k`: the real GSM8K test split, scored for the final model and the control only (greedy
 * answers to long problems are slow). Nothing is downloaded: the file is the user's.
 */
export const Gsm8kEffectSettingsSchema = z
  .object({
    /** The GSM8K test split as JSONL (`{"question","answer"}` per line, e.g. `../shared/data/gsm8k/test.jsonl`); read at the start of the run. */
    file: z
      .string()
      .min(1)
      .superRefine((file, context) => {
        if (!isFile(file)) context.addIssue({ code: 'custom', message: `no such file: ${file}` });
      }),
    /** Problems scored: the file's first ones, the same for both models. */
    problems: z.number().int().positive().default(20),
    /** Tokens generated per answer (GSM8K solutions run to several steps). */
    maxNewTokens: z.number().int().positive().default(128),
  })
  .strict();

/** Parsed {@link Gsm8kEffectSettingsSchema}. */
export type Gsm8kEffectSettings = z.output<typeof Gsm8kEffectSettingsSchema>;

/**
 * `effects.decode`: how decode speed is timed for the final model and the control, as the edge phase times
 * it (KV-cached greedy steps after a prompt of built-in problems; the median step is reported).
 */
export const DecodeEffectSettingsSchema = z
  .object({
    /** Prompt length, tokens (capped at the context length − 1). */
    promptTokens: z.number().int().positive().default(32),
    /** Tokens generated per timed run. */
    newTokens: z.number().int().positive().default(24),
    /** Timed runs, their steps pooled. */
    runs: z.number().int().positive().default(3),
    /** Untimed runs first. */
    warmupRuns: z.number().int().nonnegative().default(1),
  })
  .strict();

/** Parsed {@link DecodeEffectSettingsSchema}. */
export type DecodeEffectSettings = z.output<typeof DecodeEffectSettingsSchema>;

/**
 * `effects:` in forge.yaml: after a run, every phase's output model is measured on one shared held-out set
 * (perplexity, and greedy answer accuracy per difficulty with and without the calculator); with the
 * equal-compute control, the final model and the control also on GSM8K's test split and for decode speed.
 */
export const EffectSettingsSchema = z
  .object({
    /** Measure the phases' models after the run (`--no-effects` turns it off). */
    enabled: z.boolean().default(true),
    /** Built-in problem difficulties to score answers at. */
    difficulties: z.array(z.number().int().min(1).max(5)).min(1).default([1, 2, 3]),
    /** Problems per difficulty (0: perplexity only). Greedy answers are the slow part. */
    problemsPerDifficulty: z.number().int().nonnegative().default(8),
    /** Most validation windows (context + 1 tokens) perplexity is measured on. */
    windows: z.number().int().positive().default(32),
    /** Most tokens generated per answer (a difficulty-3 worked answer takes up to ~134; answers stop at `<eos>`). */
    maxNewTokens: z.number().int().positive().default(160),
    /** GSM8K test-split accuracy of the final model and the control; default none (the summary says it was not measured). */
    gsm8k: Gsm8kEffectSettingsSchema.optional(),
    /** Decode ms/token of the final model and the control. */
    decode: DecodeEffectSettingsSchema.default(() => DecodeEffectSettingsSchema.parse({})),
  })
  .strict();

/** Parsed {@link EffectSettingsSchema}. */
export type EffectSettings = z.output<typeof EffectSettingsSchema>;
