import { z } from 'zod';

/**
 * `effects:` in forge.yaml: after a run, every phase's output model is measured on one shared held-out set
 * (perplexity, and greedy answer accuracy per difficulty with and without the calculator).
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
  })
  .strict();

/** Parsed {@link EffectSettingsSchema}. */
export type EffectSettings = z.output<typeof EffectSettingsSchema>;
