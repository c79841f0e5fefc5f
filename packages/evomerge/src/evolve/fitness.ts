/**
 * The composite fitness (higher is better): a weighted mean of four normalised scores,
 *   perplexity  ref_ppl / ppl          (1 at the best source model, > 1 when lower)
 *   accuracy    teacher-forced answer accuracy ∈ [0, 1]
 *   speed       ref_cost / cost        (cost = block applications per token = depth × mean ACT steps)
 *   memory      ref_bytes / bytes      (float32 weight bytes)
 * with the reference values taken from the source models (best perplexity, mean cost, bytes).
 */
import { z } from 'zod';

export const FitnessWeightsSchema = z.object({
  perplexity: z.number().min(0).default(0.8),
  accuracy: z.number().min(0).default(0.1),
  speed: z.number().min(0).default(0.05),
  memory: z.number().min(0).default(0.05),
}).refine((w) => w.perplexity + w.accuracy + w.speed + w.memory > 0, 'at least one fitness weight must be positive');
export type FitnessWeights = z.output<typeof FitnessWeightsSchema>;

export const MeasuresSchema = z.object({
  perplexity: z.number(),
  loss: z.number(),
  accuracy: z.number(),
  /** Block applications per token: merged depth × mean ACT ponder steps (proportional to forward ms/token). */
  cost: z.number(),
  meanPonderSteps: z.number(),
  depth: z.number().int(),
  /** float32 weight bytes. */
  bytes: z.number(),
});
export type Measures = z.infer<typeof MeasuresSchema>;

export const ReferenceSchema = z.object({ perplexity: z.number(), cost: z.number(), bytes: z.number() });
export type Reference = z.infer<typeof ReferenceSchema>;

/** The reference the scores are relative to: the sources' best perplexity, mean cost and mean bytes. */
export function referenceOf(sources: readonly Measures[]): Reference {
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    perplexity: Math.min(...sources.map((m) => m.perplexity)),
    cost: mean(sources.map((m) => m.cost)),
    bytes: mean(sources.map((m) => m.bytes)),
  };
}

export interface FitnessScores {
  readonly perplexity: number;
  readonly accuracy: number;
  readonly speed: number;
  readonly memory: number;
}

export function fitnessScores(measures: Measures, reference: Reference): FitnessScores {
  // A diverged merge (NaN or infinite loss) scores 0 on perplexity rather than poisoning the ranking.
  const perplexity = Number.isFinite(measures.perplexity) && measures.perplexity > 0 ? reference.perplexity / measures.perplexity : 0;
  return { perplexity, accuracy: measures.accuracy, speed: reference.cost / measures.cost, memory: reference.bytes / measures.bytes };
}

export function compositeFitness(measures: Measures, reference: Reference, weights: FitnessWeights): number {
  const scores = fitnessScores(measures, reference);
  const total = weights.perplexity + weights.accuracy + weights.speed + weights.memory;
  const sum = weights.perplexity * scores.perplexity + weights.accuracy * scores.accuracy + weights.speed * scores.speed + weights.memory * scores.memory;
  return sum / total;
}
