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
  generation: z.number().int().min(0),
  bestFitness: z.number(),
  meanFitness: z.number(),
  /** Genome diversity ∈ [0, 1] (diversity.ts). */
  diversity: z.number(),
  weightDiversity: z.number(),
  bestHash: z.string(),
  bestMethod: z.enum(SEARCH_METHODS),
  bestPerplexity: z.number(),
  /** Fitness evaluations run for this generation (cache misses). */
  evaluations: z.number().int(),
  cacheHits: z.number().int(),
  /** Whether this generation was bred with raised mutation and immigrants (the previous diversity was low). */
  boosted: z.boolean(),
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
  population: z.array(GenomeSchema),
  /** Generation 0's population (the sources and the initial random merges). */
  initialPopulation: z.array(GenomeSchema),
  reference: ReferenceSchema,
  randomDistance: z.number().positive(),
  /** Mean pairwise fingerprint distance of the sources (weight-diversity normaliser). */
  sourceSpread: z.number().min(0),
  cache: z.record(z.string(), FitnessRecordSchema),
  history: z.array(GenerationRecordSchema),
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
    throw new ForgeError('the saved evolution state belongs to a run with other settings, sources or data; delete it to start over', { file });
  }
  return state;
}
