/**
 * The search state, checkpointed after every generation: the population, every fitness computed so
 * far (the cache, keyed by genome hash), the per-generation history and the normalisers. Resuming
 * reads it back and continues with the next generation; because each generation draws from its own
 * seeded stream and fitness is deterministic, the resumed run ends where an uninterrupted one does.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { ForgeError, parseConfig, readJsonFile, writeJsonAtomic } from '@agent-forge/core';
import { z } from 'zod';
import { CmaesRunSchema } from './cmaes-search.js';
import { MeasuresSchema, ReferenceSchema } from './fitness.js';
import { GenomeSchema, SEARCH_METHODS } from './genome.js';

/** One evaluated genome in the state file: its fitness, what it was computed from, and its weight fingerprint. */
export const FitnessRecordSchema = z.object({
  /** The composite fitness (higher is better). */
  fitness: z.number(),
  /** The raw measures the fitness was computed from. */
  measures: MeasuresSchema,
  /** Merged values at fixed sampled positions, for weight diversity. */
  fingerprint: z.array(z.number()),
});
/** One evaluated genome (see {@link FitnessRecordSchema}). */
export type FitnessRecord = z.infer<typeof FitnessRecordSchema>;

/** One generation's summary in the state file and the tracker. */
export const GenerationRecordSchema = z.object({
  /** Generation index: 0 is the sources plus random merges, then 1 … `generations`. */
  generation: z.number().int().min(0),
  /** Composite fitness of the generation's best member (higher is better; ≈ 0.9 + 0.1·accuracy for the best source at default weights). */
  bestFitness: z.number(),
  /** Mean composite fitness over the whole population of the generation. */
  meanFitness: z.number(),
  /** Genome diversity ∈ [0, 1] (diversity.ts). */
  diversity: z.number(),
  /** Mean pairwise fingerprint distance of the members over that of the sources, capped to [0, 1] (0 when the sources coincide). */
  weightDiversity: z.number(),
  /** Genome hash of the best member: its key in the fitness cache. */
  bestHash: z.string(),
  /** Merge method of the best member. */
  bestMethod: z.enum(SEARCH_METHODS),
  /** The best member's perplexity on the fixed evaluation subset (exp of its held-out loss). */
  bestPerplexity: z.number(),
  /** Fitness evaluations run for this generation (cache misses). */
  evaluations: z.number().int(),
  /** Members whose fitness came from the cache: scored before (the sources in generation 0, elites later) or duplicates. */
  cacheHits: z.number().int(),
  /** Whether this generation was bred with raised mutation and immigrants (the previous diversity was low). */
  boosted: z.boolean(),
  /** Random genomes injected into this generation (0 unless `boosted`, and always 0 in generation 0). */
  immigrants: z.number().int(),
});
/** One generation's summary (see {@link GenerationRecordSchema}). */
export type GenerationRecord = z.infer<typeof GenerationRecordSchema>;

/** Zod schema of `evolution/state.json`, validated on resume. */
export const EvolutionStateSchema = z.object({
  /** Format version of the state file. */
  version: z.literal(1),
  /** Hash of what determines the run (settings, sources, data, seed): a state from another run is not resumed. */
  runKey: z.string(),
  /** Last finished generation; −1 before generation 0 is scored. */
  generation: z.number().int().min(-1),
  /** The last finished generation's members, best first (ties by hash); its first member is the search's result. */
  population: z.array(GenomeSchema),
  /** Generation 0's population (the sources and the initial random merges). */
  initialPopulation: z.array(GenomeSchema),
  /** The fitness normalisers, fixed from the source models before generation 0. */
  reference: ReferenceSchema,
  /** Mean genome distance of random genome pairs (genome-diversity normaliser, seeded, so the same every run). */
  randomDistance: z.number().positive(),
  /** Mean pairwise fingerprint distance of the sources (weight-diversity normaliser). */
  sourceSpread: z.number().min(0),
  /** Every genome scored so far, keyed by genome hash; a genome is never evaluated twice. */
  cache: z.record(z.string(), FitnessRecordSchema),
  /** One summary per finished generation, in order (`history[0]` is generation 0). */
  history: z.array(GenerationRecordSchema),
  /** The CMA-ES distribution and last samples (only with `search: 'cmaes'`, from generation 1). */
  cmaes: CmaesRunSchema.optional(),
});
/**
 * The whole search state after a generation: population (best first), the fitness cache by genome
 * hash, history, and the normalisers fixed at generation 0. Enough to resume exactly.
 */
export type EvolutionState = z.infer<typeof EvolutionStateSchema>;

/** A stable key of the inputs that fix a run's result. */
export function runKeyOf(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
}

export async function saveState(file: string, state: EvolutionState): Promise<void> {
  await writeJsonAtomic(file, state);
}

/** The saved state, or undefined when there is none; a state of another run is an error naming the file. */
export async function loadState(file: string, runKey: string): Promise<EvolutionState | undefined> {
  if (!existsSync(file)) return undefined;
  const state = parseConfig(EvolutionStateSchema, await readJsonFile(file), { file });
  if (state.runKey !== runKey) {
    throw new ForgeError(
      'the saved evolution state belongs to a run with other settings, sources or data; delete it to start over',
      { file },
    );
  }
  return state;
}
