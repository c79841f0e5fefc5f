import { z } from 'zod';

/** The one training loop's settings; every phase that trains passes one of these. */
export const TrainConfigSchema = z.object({
  /** Optimizer steps to take in total (a resumed run continues up to this). */
  steps: z.number().int().positive().default(200),
  /** Sequences per optimizer step (split into micro-batches when memory demands). */
  batchSize: z.number().int().positive().default(8),
  /** Peak learning rate, reached after warmup. */
  lr: z.number().positive().default(3e-3),
  /** Cosine decay ends at lr × minLrRatio. */
  minLrRatio: z.number().min(0).max(1).default(0.1),
  /** Linear warmup steps from 0 to lr. */
  warmupSteps: z.number().int().nonnegative().default(20),
  /** Decoupled (AdamW) weight decay, applied to matrices only, not to norms or biases. */
  weightDecay: z.number().min(0).default(0.1),
  /** AdamW β1: decay of the first-moment (mean) estimate. */
  beta1: z.number().min(0).max(1).default(0.9),
  /** AdamW β2: decay of the second-moment (squared-gradient) estimate. */
  beta2: z.number().min(0).max(1).default(0.95),
  /** AdamW ε added to the root of the second moment. */
  eps: z.number().positive().default(1e-8),
  /** Clip the global gradient norm to this; 0 disables clipping. */
  gradClip: z.number().min(0).default(1),
  /** Sequences per micro-batch: a number, or 'auto' to fit `memoryBudgetMb`. */
  microBatchSize: z.union([z.literal('auto'), z.number().int().positive()]).default('auto'),
  /** Activation memory allowed per micro-batch; the wasm heap is 32-bit (4 GiB in all). */
  memoryBudgetMb: z.number().positive().default(1536),
  /** Write a resumable training checkpoint every this many steps (0: only at the end). */
  checkpointEvery: z.number().int().nonnegative().default(50),
  /** Record metrics every this many steps. */
  logEvery: z.number().int().positive().default(10),
  /** Stop when loss exceeds spikeFactor × its running average (after warmup); 0 disables. */
  spikeFactor: z.number().min(0).default(4),
});
/** Parsed training-loop settings, defaults filled in; see `TrainConfigSchema` for each field. */
export type TrainConfig = z.infer<typeof TrainConfigSchema>;
