/**
 * The forge-train phase's settings: every knob of core's training loop at the top level, the
 * Grokfast filter (paper defaults), how often the held-out loss is measured, and evaluation sizes.
 */
import { ANSWER_TOKEN_BUDGET, EvaluationSettingsSchema, TrainConfigSchema } from '@agent-forge/core';
import type { PresetName } from '@agent-forge/core';
import { z } from 'zod';

/**
 * Schema of `phases.forge-train`: core's `TrainConfigSchema` with this phase's defaults, the Grokfast filter
 * and its settings (paper defaults), the baseline switch, and core's data and evaluation settings
 * (`EvaluationSettingsSchema`); unknown keys are errors.
 */
export const ForgeTrainPhaseConfigSchema = TrainConfigSchema.extend(EvaluationSettingsSchema.shape)
  .extend({
    /** Training steps for each of the two runs (Grokfast and the baseline); presets: tiny 60, small 150, paper 1500. */
    steps: z.number().int().positive().default(60),
    /** Peak learning rate (both runs). */
    lr: z.number().positive().default(2e-3),
    /** Linear warmup steps from 0 to lr. */
    warmupSteps: z.number().int().nonnegative().default(10),
    /**
     * 0 by default, as in bitnet's fine-tune: decay pulls latent ternary weights into the 0 code.
     * (The paper pairs Grokfast with weight decay on its toy tasks; set it here to try.)
     */
    weightDecay: z.number().min(0).default(0),
    /** Grokfast filter from the registry: 'ema' (default) or 'ma'. */
    filter: z.string().min(1).default('ema'),
    /** EMA momentum α (paper: 0.98). */
    alpha: z.number().min(0).lt(1).default(0.98),
    /** Moving-average window w (paper: 100); ma only. Memory: w copies of every gradient. */
    windowSize: z.number().int().positive().default(100),
    /** Amplification λ; default: the filter's paper value (ema 2, ma 5). 0 makes the run identical to the baseline. */
    lambda: z.number().min(0).optional(),
    /** Also train the baseline (same steps, no filter, same start) to compare against. */
    baseline: z.boolean().default(true),
    /**
     * Hand on whichever of the input, the Grokfast-trained and the baseline-trained model has the lowest
     * loss on held-out check windows (the evalWindows after the reported ones); false: always the Grokfast one.
     */
    handOnBest: z.boolean().default(true),
    /** Held-out loss is measured every this many steps of both runs (the resolution of stepsToBaselineLoss). */
    evalEvery: z.number().int().positive().default(10),
  })
  .strict();
/** The parsed forge-train phase config, defaults filled: what the phase's `run` receives. */
export type ForgeTrainPhaseConfig = z.output<typeof ForgeTrainPhaseConfigSchema>;

/** The filter's own settings out of the phase config (λ left out when unset: the filter's default applies). */
export function filterSettings(config: ForgeTrainPhaseConfig): Record<string, unknown> {
  const lambda = config.lambda === undefined ? {} : { lambda: config.lambda };
  switch (config.filter) {
    case 'ema':
      return { alpha: config.alpha, ...lambda };
    case 'ma':
      return { windowSize: config.windowSize, ...lambda };
    default:
      return lambda;
  }
}

/** Preset starting values (steps, batch, eval interval and sizes), under whatever the user sets. */
export function forgeTrainPresetDefaults(preset: PresetName): Record<string, unknown> {
  switch (preset) {
    case 'tiny':
      return { steps: 60, batchSize: 8, evalEvery: 10, evalWindows: 32, evalProblems: 16 };
    case 'small':
      // Two arms of ACT + memory steps (~2 s each) were the run's largest training cost: 150 steps per arm,
      // the loss curve every 50 steps, 10 answer problems (answered three times: input, baseline,
      // Grokfast; the run's effects table measures the output on the shared held-out items as well).
      return {
        steps: 150,
        // 8 × 256 tokens: the 2,048 a step of 16 × 128 before small's context grew to 256.
        batchSize: 8,
        evalEvery: 50,
        evalWindows: 64,
        evalProblems: 10,
        maxNewTokens: ANSWER_TOKEN_BUDGET.small,
      };
    case 'paper':
      return {
        steps: 1500,
        batchSize: 16,
        evalEvery: 50,
        evalWindows: 128,
        evalProblems: 100,
        maxNewTokens: ANSWER_TOKEN_BUDGET.paper,
      };
  }
}
