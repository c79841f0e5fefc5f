/**
 * The quietstar phase's settings: the thought settings (settings.ts), the fine-tune (every knob of core's
 * training loop at the top level, with Quiet-STaR defaults) and the evaluation sizes.
 */
import { ANSWER_TOKEN_BUDGET, TrainConfigSchema, evaluationSettingsSchema } from '@agent-forge/core';
import type { PresetName } from '@agent-forge/core';
import { z } from 'zod';
import { QuietStarSettingsSchema } from './settings.js';

/**
 * Schema of `phases.quietstar`: core's `TrainConfigSchema` (with Quiet-STaR defaults below), the thought
 * settings of `QuietStarSettingsSchema`, and core's data and evaluation settings. Preset values sit under the
 * user's; unknown keys are errors.
 */
export const QuietStarPhaseConfigSchema = TrainConfigSchema.extend(QuietStarSettingsSchema.shape)
  .extend(evaluationSettingsSchema({ evalWindows: 8, evalProblems: 8, maxNewTokens: 32 }).shape)
  .extend({
    /** Optimizer steps of thought training (presets: tiny 8, small 30, paper 600). */
    steps: z.number().int().positive().default(30),
    /** Sequences per step; each is expanded to nThoughts thoughts per position. */
    batchSize: z.number().int().positive().default(8),
    /**
     * Peak learning rate. The reference fine-tunes a 7B model at 1e-6; a ~0.1–2M model fine-tuned from its
     * pretraining rate (3e-3) needs a larger one, but below pretraining so the LM is not shaken up.
     */
    lr: z.number().positive().default(1e-3),
    /** Linear warmup steps from 0 to lr. */
    warmupSteps: z.number().int().nonnegative().default(5),
    /** Reference: 0.001; 0 here keeps the reserved meta-token rows from decaying. */
    weightDecay: z.number().min(0).default(0),
    /** Every step: the coherence scores are logged per step. */
    logEvery: z.number().int().positive().default(1),
    /** Tokens timed for ms/token with and without thoughts; 0 skips the measurement. */
    latencyTokens: z.number().int().nonnegative().default(16),
    /**
     * Hand on whichever of the input, the trained model and (with `fineTuneControl`) the plain fine-tune
     * has the lowest held-out loss without thoughts on a check set: the (up to `evalWindows`) held-out
     * windows after the reported ones, so the choice is never made on the positions it is reported on.
     * The input and the control are saved with a zero mixing head, so thinking changes nothing. The report
     * says which, and the check-set losses. false hands on the trained model whatever it measured.
     */
    handOnBest: z.boolean().default(true),
    /**
     * Also fine-tune a copy of the input as a plain LM for the same steps, batch and learning rate, and
     * report its held-out loss at the same positions (the "no thoughts at all" control). A step of it
     * costs about 1/(thought steps) of a Quiet-STaR step.
     */
    fineTuneControl: z.boolean().default(true),
  })
  .strict();
/** The parsed quietstar phase config, defaults filled: what the phase's `run` receives. */
export type QuietStarPhaseConfig = z.output<typeof QuietStarPhaseConfigSchema>;

/** Preset starting values, under whatever the user sets. */
export function quietstarPresetDefaults(preset: PresetName): Record<string, unknown> {
  switch (preset) {
    case 'tiny':
      // tiny is the CI/demo preset, so it trains 8 steps (a step of 4 rows × 64 positions × 2 thoughts was
      // ~10 s, now ~2 s: bench/step-profile.mjs); the measured ablation uses the bench at 30.
      return { steps: 8, batchSize: 4, thoughtLength: 4, nTrue: 2, nThoughts: 2, evalWindows: 8, evalProblems: 4 };
    case 'small':
      // Thoughts after every one of 128 positions did not finish one step in 32 minutes; a window of 16
      // positions in micro-batches of 2 rows (peak ~1.4 GB under tf.profile) is ~10 s per step, 1 thread.
      // lr 1e-4: at 1e-3 the 150 steps raised the held-out loss without thoughts by 0.17 nats, at 1e-4 by
      // 0.08 (bench/quietstar-bench.mjs small 300 150 linear [lr]); thoughts helped at neither.
      // 30 steps: a thought step costs ~3.4 ordinary ACT + memory steps, and in the 150-step small run
      // (2026-12-05) the phase handed on its plain fine-tune control anyway (check loss 0.596, vs 0.802
      // with thoughts trained); 5 answer problems, as answering with thoughts decodes ~7× slower per token.
      return {
        steps: 30,
        // 4 × 256 tokens: the 1,024 a step of 8 × 128 before small's context grew to 256.
        batchSize: 4,
        microBatchSize: 2,
        thoughtPositions: 16,
        lr: 1e-4,
        thoughtLength: 8,
        nTrue: 4,
        nThoughts: 2,
        evalWindows: 16,
        evalProblems: 5,
        maxNewTokens: ANSWER_TOKEN_BUDGET.small,
      };
    case 'paper':
      return {
        steps: 600,
        batchSize: 8,
        thoughtLength: 10,
        nTrue: 4,
        nThoughts: 2,
        evalWindows: 32,
        evalProblems: 50,
        maxNewTokens: ANSWER_TOKEN_BUDGET.paper,
      };
  }
}
