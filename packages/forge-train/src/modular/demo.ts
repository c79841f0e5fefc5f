/**
 * The Grokfast reproduction: the paper's modular-arithmetic task trained with and without each
 * filter, measuring the steps until validation accuracy reaches the target (95%). Runs its own
 * short loop (core's AdamW, the reference's 10-step warmup then constant LR) so it can stop at the
 * target; the filters are the same objects the pipeline hands to core's `train()`.
 */
import { AdamW, ForgeError, tf } from '@agent-forge/core';
import type { GradientMap, GradientTransform, Variable } from '@agent-forge/core';
import { z } from 'zod';
import { createGrokfast } from '../filters/registry.js';
import { EQUATION_LENGTH, EpochBatches, modularEquations, modularVocab, type ModularSplit } from './data.js';
import { ModularTransformer, PAPER_MODEL, answerAccuracy } from './model.js';

/** One arm of the reproduction: a labelled filter with its settings, or the unfiltered baseline. */
export const GrokfastArmSchema = z.object({
  /** Label in the table. */
  label: z.string().min(1),
  /** Registry name of the filter; absent for the baseline. */
  filter: z.string().optional(),
  /** The filter's settings (missing ones take the paper's defaults). */
  settings: z.record(z.string(), z.unknown()).default({}),
});
/** A parsed arm (`settings` defaults to `{}`). */
export type GrokfastArm = z.output<typeof GrokfastArmSchema>;

/**
 * Settings of the Grokfast reproduction (`runGrokfastDemo`, `forge grokfast-demo`). The defaults are the
 * paper's setting (multiplication mod 97, width 128, batch 512, AdamW lr 1e-3), which takes hours on 2 cores.
 */
export const GrokfastDemoOptionsSchema = z.object({
  /** The table's operation. */
  operation: z.enum(['multiply', 'add']).default('multiply'),
  /** p of `a ∘ b mod p` (paper 97). */
  modulus: z.number().int().min(2).default(97),
  /** Share of the table used for training; the rest is the validation set. */
  trainFraction: z.number().gt(0).lt(1).default(0.5),
  /** One run per arm per seed; a seed fixes the split, the init and the batch order, shared by every arm. */
  seeds: z.array(z.number().int()).min(1).default([0, 1, 2]),
  /** Arms compared; default the baseline, Grokfast-MA and Grokfast-EMA at paper settings. The arm without `filter` is the baseline speed-ups are measured against. */
  arms: z
    .array(GrokfastArmSchema)
    .min(1)
    .default([
      { label: 'baseline', settings: {} },
      { label: 'Grokfast-MA (w=100, λ=5)', filter: 'ma', settings: { windowSize: 100, lambda: 5 } },
      { label: 'Grokfast-EMA (α=0.98, λ=2)', filter: 'ema', settings: { alpha: 0.98, lambda: 2 } },
    ]),
  /** Step cap per run: a run that has not reached the target by then is reported as such. */
  maxSteps: z.number().int().positive().default(3000),
  /** Validation accuracy (whole validation half) is measured every this many steps. */
  evalEvery: z.number().int().positive().default(25),
  /** Validation accuracy (0 … 1) a run must reach; its step is `stepsToTarget`. */
  targetAccuracy: z.number().gt(0).max(1).default(0.95),
  /** Training equations per step. */
  batchSize: z.number().int().positive().default(512),
  /** Learning rate after warmup (constant, no decay schedule). */
  lr: z.number().positive().default(1e-3),
  /** Linear warmup steps from 0 to lr (the reference's 10). */
  warmupSteps: z.number().int().nonnegative().default(10),
  /** AdamW β₁. */
  beta1: z.number().min(0).lt(1).default(0.9),
  /** AdamW β₂ (the paper's 0.98). */
  beta2: z.number().min(0).lt(1).default(0.98),
  /** Decoupled (AdamW) weight decay, the same for every arm. */
  weightDecay: z.number().min(0).default(1),
  /** Decoder width (paper 128). */
  dModel: z.number().int().positive().default(PAPER_MODEL.dModel),
  /** Decoder blocks (paper 2). */
  nLayers: z.number().int().positive().default(PAPER_MODEL.nLayers),
  /** Attention heads (paper 4); must divide dModel. */
  nHeads: z.number().int().positive().default(PAPER_MODEL.nHeads),
});
/** Parsed reproduction settings, every default filled in. */
export type GrokfastDemoOptions = z.output<typeof GrokfastDemoOptionsSchema>;
/** Reproduction settings as passed to `runGrokfastDemo`: every field optional. */
export type GrokfastDemoOptionsInput = z.input<typeof GrokfastDemoOptionsSchema>;

/** The outcome of one (arm, seed) run of the reproduction. */
export interface GrokfastRun {
  /** The arm's label (`GrokfastArm.label`). */
  readonly arm: string;
  /** The seed of the split, the init and the batch order. */
  readonly seed: number;
  /** First evaluated step with validation accuracy ≥ target; undefined if not within the cap. */
  readonly stepsToTarget: number | undefined;
  /** Optimizer steps taken: `stepsToTarget` when reached (the run stops there), else `maxSteps`. */
  readonly stepsRun: number;
  /** Validation accuracy (0 … 1) at the last evaluation. */
  readonly finalValidationAccuracy: number;
  /** Training-batch loss (nats) at the first step. */
  readonly firstLoss: number;
  /** Training-batch loss (nats) at the last step. */
  readonly lastLoss: number;
  /** Wall-clock ms per step, evaluations included. */
  readonly msPerStep: number;
  /** ms per step spent in the filter's `apply` (0 for the baseline): the Grokfast overhead. */
  readonly filterMsPerStep: number;
  /** Wall-clock seconds of the whole run. */
  readonly seconds: number;
}

/** Called after every validation measurement of every run (progress output of long reproductions). */
export interface RunProgress {
  (event: { arm: string; seed: number; step: number; validationAccuracy: number }): void;
}

/** One (arm, seed) run: fresh model from `seed`, same data split for every arm of that seed. */
export function runGrokfastArm(
  arm: GrokfastArm,
  seed: number,
  options: GrokfastDemoOptions,
  onEval?: RunProgress,
): GrokfastRun {
  const split = modularEquations(options.modulus, options.operation, options.trainFraction, seed);
  const model = new ModularTransformer(
    {
      vocabSize: modularVocab(options.modulus).size,
      inputLength: EQUATION_LENGTH - 1,
      dModel: options.dModel,
      nLayers: options.nLayers,
      nHeads: options.nHeads,
    },
    seed,
  );
  const transform = arm.filter === undefined ? undefined : createGrokfast(arm.filter, arm.settings);
  const optimizer = new AdamW({
    beta1: options.beta1,
    beta2: options.beta2,
    eps: 1e-8,
    weightDecay: options.weightDecay,
  });
  const batches = new EpochBatches(split.train, options.batchSize, seed + 1);
  const started = performance.now();
  let filterMs = 0;
  let step = 0;
  const losses = { first: Number.NaN, last: Number.NaN };
  const reached: Reached = { lastValidation: 0 };
  try {
    while (step < options.maxSteps && reached.validation === undefined) {
      step += 1;
      const lr = options.warmupSteps > 0 ? options.lr * Math.min(1, step / options.warmupSteps) : options.lr;
      const result = optimizerStep(model, optimizer, transform, batches.next(), lr, step);
      filterMs += result.filterMs;
      if (step === 1) losses.first = result.loss;
      losses.last = result.loss;
      if (step % options.evalEvery === 0 || step === options.maxSteps) {
        evaluate(model, split, options, step, reached);
        onEval?.({ arm: arm.label, seed, step, validationAccuracy: reached.lastValidation });
      }
    }
  } finally {
    transform?.dispose?.();
    optimizer.dispose();
    model.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    arm: arm.label,
    seed,
    stepsToTarget: reached.validation,
    stepsRun: step,
    finalValidationAccuracy: reached.lastValidation,
    firstLoss: losses.first,
    lastLoss: losses.last,
    msPerStep: (seconds * 1000) / step,
    filterMsPerStep: filterMs / step,
    seconds,
  };
}

interface Reached {
  validation?: number;
  lastValidation: number;
}

/** Validation accuracy over the whole held-out half (training accuracy is left out: it doubles the cost). */
function evaluate(
  model: ModularTransformer,
  split: ModularSplit,
  options: GrokfastDemoOptions,
  step: number,
  reached: Reached,
): void {
  reached.lastValidation = answerAccuracy(model, split.validation);
  if (reached.lastValidation >= options.targetAccuracy) reached.validation = step;
}

/** Backward, filter, AdamW update; returns the batch loss and the filter's milliseconds. */
function optimizerStep(
  model: ModularTransformer,
  optimizer: AdamW,
  transform: GradientTransform | undefined,
  batch: { tokens: Int32Array; rows: number },
  lr: number,
  step: number,
): { loss: number; filterMs: number } {
  const weights = model.namedWeights();
  const nameOf = new Map<string, string>([...weights].map(([name, variable]) => [variable.name, name]));
  const { value, grads } = tf.tidy(() => {
    const tokens = tf.tensor2d(batch.tokens, [batch.rows, EQUATION_LENGTH], 'int32');
    return tf.variableGrads(() => model.loss(tokens), [...weights.values()] as Variable[]);
  });
  const loss = value.dataSync()[0] ?? Number.NaN;
  value.dispose();
  let gradients: GradientMap = new Map(
    Object.entries(grads).map(([variableName, grad]) => [nameOf.get(variableName) ?? variableName, grad]),
  );
  const filterStart = performance.now();
  if (transform) gradients = transform.apply(gradients, step);
  const filterMs = performance.now() - filterStart;
  optimizer.apply(weights, gradients, lr);
  for (const grad of gradients.values()) grad.dispose();
  return { loss, filterMs };
}

/** What `runGrokfastDemo` returns; pass both parts to `grokfastTable`. */
export interface GrokfastDemoResult {
  /** The parsed options the runs used. */
  readonly options: GrokfastDemoOptions;
  /** One run per (seed, arm), seeds outer, arms in `options.arms` order. */
  readonly runs: readonly GrokfastRun[];
}

/** Every arm for every seed, in order; progress per evaluation through `onEval`. */
export function runGrokfastDemo(input: GrokfastDemoOptionsInput = {}, onEval?: RunProgress): GrokfastDemoResult {
  const parsed = GrokfastDemoOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ForgeError(`grokfast demo: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid options'}`, {
      field: issue?.path.join('.'),
    });
  }
  const options = parsed.data;
  const runs: GrokfastRun[] = [];
  for (const seed of options.seeds)
    for (const arm of options.arms) runs.push(runGrokfastArm(arm, seed, options, onEval));
  return { options, runs };
}
