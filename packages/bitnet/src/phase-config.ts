/**
 * The bitnet phase's settings: the BitLinear settings, the recovery fine-tune (every knob of core's
 * training loop at the top level, with BitNet-specific defaults) and the evaluation sizes.
 */
import {
  ANSWER_TOKEN_BUDGET,
  BitNetSettingsSchema,
  EvaluationSettingsSchema,
  TrainConfigSchema,
} from '@agent-forge/core';
import type { PresetName } from '@agent-forge/core';
import { z } from 'zod';

/**
 * Zod schema of the `bitnet` phase config (`phaseConfigs.bitnet`): core's training-loop fields, the
 * BitLinear settings ({@link BitNetSettingsSchema}) at the top level, and core's data and evaluation settings
 * (`EvaluationSettingsSchema`); all defaulted, unknown keys are errors.
 */
export const BitNetPhaseConfigSchema = TrainConfigSchema.extend(BitNetSettingsSchema.shape)
  .extend(EvaluationSettingsSchema.shape)
  .extend({
    /** Fine-tune steps after conversion (presets: tiny 60, small 300, paper 1500). */
    steps: z.number().int().positive().default(60),
    /**
     * Peak learning rate. The BitNet authors train ternary models with a higher LR than FP16 ones;
     * recovery from a dense checkpoint is a fine-tune, so this sits at the dense default's order.
     */
    lr: z.number().positive().default(2e-3),
    /** Linear warmup steps from 0 to lr. */
    warmupSteps: z.number().int().nonnegative().default(10),
    /**
     * 0 by default: decay pulls latent weights towards 0 and so flips them into the 0 code; BitNet
     * b1.58 2B4T switches decay off for its second stage for the same reason.
     */
    weightDecay: z.number().min(0).default(0),
  })
  .strict();
/** The `bitnet` phase's settings, defaults filled in (see {@link BitNetPhaseConfigSchema}). */
export type BitNetPhaseConfig = z.output<typeof BitNetPhaseConfigSchema>;

/** Preset starting values, under whatever the user sets. */
export function bitnetPresetDefaults(preset: PresetName): Record<string, unknown> {
  switch (preset) {
    case 'tiny':
      return { steps: 60, batchSize: 8, evalWindows: 32, evalProblems: 16 };
    case 'small':
      // 300 steps (~2 s each) to fit the hour: in the 2026-12-05 small run 400 took the answer accuracy from
      // 0 to 30 % and the training loss from 1.08 (steps 1–50) to 0.53 (251–300) and 0.48 (351–400).
      // 20 answer problems, each with and without the calculator, before and after; the run's effects
      // table measures the output on the shared held-out items as well.
      // Batch 8 × 256: the 2,048 tokens a step of the 16 × 128 steps above.
      return { steps: 300, batchSize: 8, evalWindows: 64, evalProblems: 20, maxNewTokens: ANSWER_TOKEN_BUDGET.small };
    case 'paper':
      return {
        steps: 1500,
        batchSize: 16,
        evalWindows: 128,
        evalProblems: 100,
        maxNewTokens: ANSWER_TOKEN_BUDGET.paper,
      };
  }
}
