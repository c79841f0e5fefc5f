/**
 * Settings of the ACT + long-term-memory runner: hyperparameters and runtime switches only. Apart from
 * the memory width they shape no weight, so models that differ in thresholds, capacity or step caps keep
 * identical parameter names and shapes (phase 2 merges them). Stored in a checkpoint's
 * `extensions.titan`, from which `buildTitanModel` rebuilds the same model.
 */
import { z } from 'zod';
import { ForgeError } from '../errors.js';

/** Validates the `act` part of the titan settings; every field has a default. */
export const ActSettingsSchema = z.object({
  /** Off: every block once, as the plain transformer (the halting weights stay, unused). */
  enabled: z.boolean().default(true),
  /** Halt when the cumulative halting probability exceeds this. Graves: 1 − ε = 0.99. */
  threshold: z.number().gt(0).lt(1).default(0.99),
  /** Most ponder steps per position; each step applies the whole block stack (Universal Transformer). */
  maxSteps: z.number().int().min(1).max(16).default(3),
  /** τ of the ponder cost τ·mean(N + R) added to the training loss (Graves swept 1e-4 … 1e-1). */
  ponderCost: z.number().min(0).default(0.01),
});

/** Validates the `memory` part of the titan settings; every field has a default except the optional `dim`. */
export const MemorySettingsSchema = z.object({
  /** Off: no memory read or write (the memory weights stay, unused). */
  enabled: z.boolean().default(true),
  /** Width of the memory (keys, values, queries); default dModel. The one setting that shapes weights. */
  dim: z.number().int().positive().optional(),
  /** Tokens per memory update; gradients within a chunk are taken at the chunk-start memory. */
  chunkSize: z.number().int().positive().default(16),
  /** Retention horizon in tokens (project addition, not Titans): floors the forgetting gate at chunkSize/capacity. */
  capacity: z.number().int().positive().default(4096),
  /** Relative retrieval error above which a token writes (project addition; 0 writes every token, as Titans). */
  surpriseThreshold: z.number().min(0).default(0.5),
  /** Bound of the data-dependent inner step size θ. */
  maxLearningRate: z.number().positive().default(0.1),
});

/** Validates a checkpoint's `extensions.titan`: `{ act, memory }`, each filled with defaults when absent. */
export const TitanSettingsSchema = z.object({
  /** Adaptive computation time: halting threshold, ponder-step cap and ponder cost; defaults when absent. */
  act: ActSettingsSchema.prefault({}),
  /** The Titans long-term memory: width, chunking, retention and write threshold; defaults when absent. */
  memory: MemorySettingsSchema.prefault({}),
});

/** Titan settings as a user or config file may give them: every field optional. */
export type TitanSettingsInput = z.input<typeof TitanSettingsSchema>;
/** Parsed titan settings, every default filled in (`memory.dim` may still be undefined: it then means dModel). */
export type TitanSettings = z.output<typeof TitanSettingsSchema>;

/** The key of these settings in a checkpoint's `extensions`. */
export const TITAN_EXTENSION = 'titan';

/** Validates settings, naming the bad field in a ForgeError. */
export function parseTitanSettings(input: unknown): TitanSettings {
  const result = TitanSettingsSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ForgeError(`invalid ACT/memory settings: ${issue?.message ?? result.error.message}`, {
    field: `${TITAN_EXTENSION}${issue?.path.length ? `.${issue.path.join('.')}` : ''}`,
    cause: result.error,
  });
}
