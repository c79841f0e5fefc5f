/**
 * Settings of the Grokfast reproduction. Every default is the reference's own (ironjr/grokfast
 * `main.py` and the commands of its README): x·y mod 97 with half the table for training, the
 * 2-layer width-128 4-head decoder, torch.optim.Adam (lr 1e-3, betas 0.9/0.98) with each run's
 * coupled L2 weight decay, the 10-update warm-up, batch 512, validation once per epoch.
 */
import { z } from 'zod';
import { PAPER_MODEL } from './model.js';

/** One arm of the reproduction: a labelled filter with its settings and weight decay, or the unfiltered baseline. */
export const GrokfastArmSchema = z.strictObject({
  /** Label in the table. */
  label: z.string().min(1),
  /** Registry name of the filter; absent for the baseline. */
  filter: z.string().optional(),
  /** The filter's settings (missing ones take the paper's defaults). */
  settings: z.record(z.string(), z.unknown()).default({}),
  /** torch.optim.Adam's `weight_decay`: L2 coupled into the gradient of every parameter (0 = none). */
  weightDecay: z.number().min(0).default(0),
});
/** A parsed arm (`settings` defaults to `{}`, `weightDecay` to 0). */
export type GrokfastArm = z.output<typeof GrokfastArmSchema>;

/** The reference README's three runs, each with the weight decay its command line gives. */
export const PAPER_ARMS: readonly GrokfastArm[] = [
  { label: 'baseline', settings: {}, weightDecay: 0 },
  { label: 'Grokfast-MA (w=100, λ=5)', filter: 'ma', settings: { windowSize: 100, lambda: 5 }, weightDecay: 0.01 },
  { label: 'Grokfast-EMA (α=0.98, λ=2)', filter: 'ema', settings: { alpha: 0.98, lambda: 2 }, weightDecay: 0.005 },
];

/** Settings of the Grokfast reproduction (`runGrokfastDemo`, `forge grokfast-demo`); unknown keys are an error. */
export const GrokfastDemoOptionsSchema = z.strictObject({
  /** The table's operation (reference: multiplication). */
  operation: z.enum(['multiply', 'add']).default('multiply'),
  /** p of `a ∘ b mod p` (reference 97). */
  modulus: z.number().int().min(2).default(97),
  /** Share of the table used for training, the rest is the validation set (reference 0.5). */
  trainFraction: z.number().gt(0).lt(1).default(0.5),
  /** One run per arm per seed; a seed fixes the split, the init and the batch order, shared by every arm. */
  seeds: z.array(z.number().int()).min(1).default([0, 1, 2]),
  /** Arms compared; default the reference README's baseline, Grokfast-MA and Grokfast-EMA runs. The arm without `filter` is the baseline. */
  arms: z
    .array(GrokfastArmSchema)
    .min(1)
    .default(() => PAPER_ARMS.map((arm) => ({ ...arm, settings: { ...arm.settings } }))),
  /** Step cap per run (reference budget 3·10⁵): a run that has not reached the target by then is reported as such. */
  maxSteps: z.number().int().positive().default(300_000),
  /** Validation accuracy (0 … 1) a run must reach at an epoch end; its step is `stepsToTarget`. */
  targetAccuracy: z.number().gt(0).max(1).default(0.95),
  /** Training equations per step. */
  batchSize: z.number().int().positive().default(512),
  /** Learning rate after warm-up (constant, no decay schedule). */
  lr: z.number().positive().default(1e-3),
  /** Warm-up updates: update k runs at lr·min(1, (k−1)/warmupSteps), the reference's LambdaLR (10). */
  warmupSteps: z.number().int().nonnegative().default(10),
  /** β₁ of the Adam update. */
  beta1: z.number().min(0).lt(1).default(0.9),
  /** β₂ of the Adam update (the paper's 0.98). */
  beta2: z.number().min(0).lt(1).default(0.98),
  /** ε of the Adam update, added to the root of the second moment. */
  eps: z.number().positive().default(1e-8),
  /** Decoder width (reference 128). */
  dModel: z.number().int().positive().default(PAPER_MODEL.dModel),
  /** Decoder blocks (reference 2). */
  nLayers: z.number().int().positive().default(PAPER_MODEL.nLayers),
  /** Attention heads (reference 4); must divide dModel. */
  nHeads: z.number().int().positive().default(PAPER_MODEL.nHeads),
});
/** Parsed reproduction settings, every default filled in. */
export type GrokfastDemoOptions = z.output<typeof GrokfastDemoOptionsSchema>;
/** Reproduction settings as passed to `runGrokfastDemo`: every field optional. */
export type GrokfastDemoOptionsInput = z.input<typeof GrokfastDemoOptionsSchema>;
