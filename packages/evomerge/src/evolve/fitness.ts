/**
 * The composite fitness (higher is better): a weighted mean of four normalised scores,
 *   perplexity  ref_ppl / ppl          (1 at the best source model, > 1 when lower)
 *   accuracy    teacher-forced answer accuracy ∈ [0, 1]
 *   speed       ref_cost / cost        (cost = block applications per token = depth × mean ACT steps)
 *   memory      ref_bytes / bytes      (float32 weight bytes)
 * with the reference values taken from the source models (best perplexity, mean cost, bytes).
 */
import { z } from 'zod';

/**
 * Zod schema of the fitness weights (each ≥ 0, at least one positive; defaults perplexity 0.8,
 * accuracy 0.1, speed 0.05, memory 0.05). The composite divides by their sum, so only ratios matter.
 */
export const FitnessWeightsSchema = z
  .object({
    /** Weight (≥ 0, default 0.8) of ref_ppl / ppl, the held-out perplexity relative to the best source. */
    perplexity: z.number().min(0).default(0.8),
    /** Weight (≥ 0, default 0.1) of the teacher-forced answer accuracy ∈ [0, 1]. */
    accuracy: z.number().min(0).default(0.1),
    /** Weight (≥ 0, default 0.05) of ref_cost / cost, block applications per token relative to the sources' mean. */
    speed: z.number().min(0).default(0.05),
    /** Weight (≥ 0, default 0.05) of ref_bytes / bytes, float32 weight bytes relative to the sources' mean. */
    memory: z.number().min(0).default(0.05),
  })
  .refine((w) => w.perplexity + w.accuracy + w.speed + w.memory > 0, 'at least one fitness weight must be positive');
/** Weights of the four normalised scores in the composite fitness (defaults filled in; see {@link FitnessWeightsSchema}). */
export type FitnessWeights = z.output<typeof FitnessWeightsSchema>;

/** What one merged model measured: the inputs of the composite fitness. */
export const MeasuresSchema = z.object({
  /** Held-out perplexity on the fixed evaluation subset. */
  perplexity: z.number(),
  /** Held-out loss (nats per token) on the same windows. */
  loss: z.number(),
  /** Teacher-forced answer accuracy ∈ [0, 1]. */
  accuracy: z.number(),
  /** Block applications per token: merged depth × mean ACT ponder steps (proportional to forward ms/token). */
  cost: z.number(),
  /** Mean ACT ponder steps per token. */
  meanPonderSteps: z.number(),
  /** Merged depth in blocks. */
  depth: z.number().int(),
  /** float32 weight bytes. */
  bytes: z.number(),
});
/** What one merged model measured (see {@link MeasuresSchema}). */
export type Measures = z.infer<typeof MeasuresSchema>;

/** The normalisers of the fitness: the sources' best perplexity, mean cost and mean bytes. */
export const ReferenceSchema = z.object({
  /** Best perplexity among the sources. */
  perplexity: z.number(),
  /** Mean cost of the sources. */
  cost: z.number(),
  /** Mean float32 bytes of the sources. */
  bytes: z.number(),
});
/** The fitness normalisers (see {@link ReferenceSchema}). */
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

/** The four normalised scores of one merged model, each higher-is-better; 1 means "as good as the reference". */
export interface FitnessScores {
  /** ref_ppl / ppl: 1 at the best source, > 1 when lower perplexity; 0 for a diverged (non-finite) merge. */
  readonly perplexity: number;
  /** Teacher-forced answer accuracy ∈ [0, 1], unnormalised. */
  readonly accuracy: number;
  /** ref_cost / cost, cost = block applications per token; > 1 when cheaper than the sources' mean. */
  readonly speed: number;
  /** ref_bytes / bytes of float32 weights; > 1 when smaller than the sources' mean. */
  readonly memory: number;
}

/** The normalised scores of `measures` against `reference` (the sources' figures, {@link referenceOf}). */
export function fitnessScores(measures: Measures, reference: Reference): FitnessScores {
  // A diverged merge (NaN or infinite loss) scores 0 on perplexity rather than poisoning the ranking.
  const perplexity =
    Number.isFinite(measures.perplexity) && measures.perplexity > 0 ? reference.perplexity / measures.perplexity : 0;
  return {
    perplexity,
    accuracy: measures.accuracy,
    speed: reference.cost / measures.cost,
    memory: reference.bytes / measures.bytes,
  };
}

/** The composite fitness split into what the model knows and what it costs; the two add up to it. */
export interface FitnessParts {
  /** Weighted perplexity and accuracy scores over the weight total: the quality terms. */
  readonly quality: number;
  /** Weighted speed and memory scores over the weight total: the cost terms, reported apart. */
  readonly efficiency: number;
}

/** {@link compositeFitness} split into its quality part (perplexity, accuracy) and its efficiency part (speed, memory). */
export function fitnessParts(measures: Measures, reference: Reference, weights: FitnessWeights): FitnessParts {
  const scores = fitnessScores(measures, reference);
  const total = weights.perplexity + weights.accuracy + weights.speed + weights.memory;
  return {
    quality: (weights.perplexity * scores.perplexity + weights.accuracy * scores.accuracy) / total,
    efficiency: (weights.speed * scores.speed + weights.memory * scores.memory) / total,
  };
}

/** The fitness the search maximises: the `weights`-weighted mean of {@link fitnessScores}; ≈ 0.9 + 0.1·accuracy for the best source at default weights. */
export function compositeFitness(measures: Measures, reference: Reference, weights: FitnessWeights): number {
  const { quality, efficiency } = fitnessParts(measures, reference, weights);
  return quality + efficiency;
}
