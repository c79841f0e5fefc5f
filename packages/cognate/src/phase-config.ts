/**
 * The cognate phase's settings: core's training loop at the top level (with cognate defaults), the
 * shared ACT/memory hyperparameters, the three variants, and the evaluation sizes.
 */
import { ANSWER_TOKEN_BUDGET, TrainConfigSchema, evaluationSettingsSchema } from '@agent-forge/core';
import type { PresetName } from '@agent-forge/core';
import { z } from 'zod';
import { CognateVariantSchema, SEED_VARIANTS } from './variants.js';

/**
 * Zod schema of the `cognate` phase config (`phaseConfigs.cognate`): core's `TrainConfigSchema`
 * (lr, batch sizes, …) and core's data and evaluation settings, extended with cognate's fields; every field
 * has a default, and unknown keys are errors.
 */
export const CognatePhaseConfigSchema = TrainConfigSchema.extend(
  evaluationSettingsSchema({ evalWindows: 16, evalProblems: 8, maxNewTokens: 32 }).shape,
)
  .extend({
    /** Training steps of the shared trunk on the phase's data (presets: tiny 40, small 200, paper 2000). */
    steps: z.number().int().positive().default(40),
    /** Steps each variant continues from the trunk on its own skill curriculum (presets: tiny 40, small 60, paper 2000). */
    specialistSteps: z.number().int().positive().default(40),
    /** Curriculum problems per skill a specialist trains on (presets: tiny 1500, small 8000, paper 40000). */
    curriculumProblems: z.number().int().positive().default(1500),
    /** Held-out problems per skill for the model × skill table (loss and teacher-forced accuracy). */
    skillEvalProblems: z.number().int().positive().default(24),
    /** Facts stated after the needed ones in a memory-integration problem (presets: tiny 3, small 6, paper 12). */
    recallDistractors: z.number().int().min(1).max(20).default(3),
    /** Overrides of the preset's model config (e.g. `{ "nLayers": 1 }`), validated with the model schema. */
    model: z.record(z.string(), z.unknown()).default({}),
    /** Most ACT ponder steps; each step applies the whole block stack. */
    actMaxSteps: z.number().int().min(1).max(16).default(3),
    /** τ of the ponder cost τ·mean(N + R). */
    ponderCost: z.number().min(0).default(0.01),
    /** Memory width; default the model width. */
    memoryDim: z.number().int().positive().optional(),
    /** Tokens per memory update. */
    chunkSize: z.number().int().positive().default(16),
    /** Bound of the memory's inner step size θ. */
    maxLearningRate: z.number().positive().default(0.1),
    /** Capacities are the paper-scale values times this (presets: tiny 1/32, small 1/8, paper 1). */
    capacityScale: z.number().positive().default(1),
    /** The three models: role, ACT threshold, memory capacity, surprise threshold. */
    variants: z
      .array(CognateVariantSchema)
      .length(3)
      .default(() => SEED_VARIANTS.map((variant) => ({ ...variant }))),
  })
  .strict();
/** The `cognate` phase's settings, defaults filled in (see {@link CognatePhaseConfigSchema}). */
export type CognatePhaseConfig = z.output<typeof CognatePhaseConfigSchema>;

/**
 * Preset starting values, under whatever the user sets. Micro-batches are fixed at small and paper:
 * tf.profile measured a peak of ~4.2 GB for one ACT + memory step of 16 × 128 tokens at small (plain
 * transformer: ~1.4 GB), at the wasm heap's 4 GiB limit, while the loop's generic activation estimate
 * ('auto') allows the whole batch.
 */
export function cognatePresetDefaults(preset: PresetName): Record<string, unknown> {
  switch (preset) {
    case 'tiny':
      return {
        steps: 40,
        specialistSteps: 40,
        curriculumProblems: 1500,
        skillEvalProblems: 24,
        recallDistractors: 3,
        batchSize: 8,
        capacityScale: 1 / 32,
        evalWindows: 16,
        evalProblems: 8,
        maxNewTokens: 32,
      };
    case 'small':
      // Sized for a whole `small` run in about an hour (docs/benchmarks.md, "small run budget"): an ACT +
      // memory step costs ~2 s. The trunk, trained on the run's own data, keeps its 200 steps; the
      // specialists, trained on their skill curricula only for evomerge to merge, get 60 (in the 200-step
      // run their loss fell most in the first 100: reasoning 1.45 → 0.77 → 0.63 at steps 50/100/200).
      // Answer accuracy here is 0–2 %: 10 problems say as much, and the run's effects table measures every
      // cognate model on the shared held-out items anyway.
      return {
        steps: 200,
        specialistSteps: 60,
        curriculumProblems: 8000,
        skillEvalProblems: 64,
        recallDistractors: 6,
        // 8 × 256 tokens: the same 2,048 tokens a step, and 512 a micro-batch, as 16 × 128 before the
        // context grew to 256 (2026-12-06).
        batchSize: 8,
        microBatchSize: 2,
        capacityScale: 1 / 8,
        evalWindows: 64,
        evalProblems: 10,
        maxNewTokens: ANSWER_TOKEN_BUDGET.small,
      };
    case 'paper':
      return {
        steps: 2000,
        specialistSteps: 2000,
        curriculumProblems: 40000,
        skillEvalProblems: 128,
        recallDistractors: 12,
        batchSize: 16,
        microBatchSize: 1,
        lr: 1e-3,
        capacityScale: 1,
        evalWindows: 128,
        evalProblems: 100,
        maxNewTokens: ANSWER_TOKEN_BUDGET.paper,
      };
  }
}
