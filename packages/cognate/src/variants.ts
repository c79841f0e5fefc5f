/**
 * The three cognate variants of the seed plan. They differ only in hyperparameters — ACT threshold,
 * memory capacity, surprise threshold — never in weight shapes, so phase 2 can merge them. The
 * thresholds and capacities are the seed plan's (and this project's) additions: Graves' ACT default is
 * 0.99, and Titans has neither a surprise threshold nor a slot count (see ../README.md).
 */
import { z } from 'zod';

/** Zod schema of one cognate variant: the hyperparameters that make the three models differ (no shape-changing fields). */
export const CognateVariantSchema = z.object({
  /** Checkpoint role, e.g. 'reasoning'. */
  role: z.string().min(1),
  /** ACT halting threshold (1 − ε). */
  actThreshold: z.number().gt(0).lt(1),
  /** Memory retention horizon in tokens at the paper scale; multiplied by `capacityScale`. */
  memoryCapacity: z.number().int().positive(),
  /** Relative retrieval error a token needs before it writes to memory. */
  surpriseThreshold: z.number().min(0),
});
/** One of the three cognate models' settings (see {@link CognateVariantSchema}; the defaults are {@link SEED_VARIANTS}). */
export type CognateVariant = z.infer<typeof CognateVariantSchema>;

/** The seed plan's three models: reasoning, memory-integration, adaptive-computation. */
export const SEED_VARIANTS: readonly CognateVariant[] = Object.freeze([
  { role: 'reasoning', actThreshold: 0.95, memoryCapacity: 4096, surpriseThreshold: 0.7 },
  { role: 'memory-integration', actThreshold: 0.9, memoryCapacity: 8192, surpriseThreshold: 0.5 },
  { role: 'adaptive-computation', actThreshold: 0.99, memoryCapacity: 2048, surpriseThreshold: 0.3 },
]);
