/**
 * CMA-ES over one genome's continuous genes (Sakana's evolutionary model merge and mergekit-evolve
 * search merge parameters this way): the method and base are fixed (the configured method, the best
 * source as base), and the vector holds every model's per-layer-group weights, every model's density and
 * slerp's t per layer group, each normalised to [0, 1] over its bounds. Samples outside the box are
 * clipped to decode and penalised by their squared distance to it in the update, so the mean stays near
 * the box. One generation: tell the previous samples' fitness, then ask λ = populationSize − elites new
 * ones; the elites are kept, so the best never gets worse (as in the GA), on the same evaluation budget.
 */
import type { Rng } from '@agent-forge/core';
import { z } from 'zod';
import { CmaStateSchema, cmaAsk, cmaInit, cmaTell } from './cmaes.js';
import {
  GenomeSchema,
  genomeHash,
  quantize,
  repairGenome,
  sourceGenome,
  type Genome,
  type GenomeSpace,
  type SearchMethod,
} from './genome.js';

/** CMA-ES's part of the evolution state: its distribution, the last samples (told next generation) and the genome they fill in. */
export const CmaesRunSchema = z.object({
  /** The distribution. */
  state: CmaStateSchema,
  /** The raw vectors asked last generation, in population order after the elites. */
  samples: z.array(z.array(z.number())),
  /** The genome whose continuous genes the vectors set (method, base, route fixed). */
  template: GenomeSchema,
});
/** CMA-ES's part of the evolution state (see {@link CmaesRunSchema}). */
export type CmaesRun = z.infer<typeof CmaesRunSchema>;

/** The settings of the CMA-ES search. */
export interface CmaesSettings {
  /** Merge method whose continuous genes are searched. */
  readonly method: SearchMethod;
  /** Initial step size σ, as a share of each gene's range. */
  readonly sigma: number;
}

const clip01 = (x: number): number => Math.min(1, Math.max(0, x));
const scale = (u: number, [low, high]: readonly [number, number]): number => quantize(low + (high - low) * clip01(u));

/** Length of the searched vector: weights (models × layer groups), density (models), t (layer groups). */
export function cmaesDimension(space: GenomeSpace): number {
  return space.models * space.layerGroups + space.models + space.layerGroups;
}

/** The genome `template` with its continuous genes set from the normalised vector `x` (clipped to [0, 1]). */
export function vectorToGenome(x: readonly number[], template: Genome, space: GenomeSpace): Genome {
  const at = (i: number): number => x[i] ?? 0.5;
  const weights = Array.from({ length: space.models }, (_, m) =>
    Array.from({ length: space.layerGroups }, (_, g) => scale(at(m * space.layerGroups + g), space.weightRange)),
  );
  const offset = space.models * space.layerGroups;
  const density = Array.from({ length: space.models }, (_, m) => scale(at(offset + m), space.densityRange));
  const t = Array.from({ length: space.layerGroups }, (_, g) => scale(at(offset + space.models + g), [0, 1]));
  return repairGenome({ ...template, weights, density, t }, space);
}

/** Squared distance of `x` to the unit box: the update's penalty for a sample that had to be clipped. */
export function boxPenalty(x: readonly number[]): number {
  return x.reduce((sum, v) => sum + (v - clip01(v)) ** 2, 0);
}

/** Starts the distribution at the box centre (equal weights, mid density, t ½) around the best source as base. */
function startRun(bestSource: number, settings: CmaesSettings, space: GenomeSpace): CmaesRun {
  const base = sourceGenome(space, bestSource);
  const template: Genome = { ...base, method: settings.method, seed: 0 };
  return { state: cmaInit(new Array<number>(cmaesDimension(space)).fill(0.5), settings.sigma), samples: [], template };
}

/** What one CMA-ES generation needs from the search. */
export interface CmaesStep {
  /** Previous CMA-ES state; undefined before generation 1. */
  readonly run: CmaesRun | undefined;
  /** The previous generation, best first (its first `elites` are kept). */
  readonly population: readonly Genome[];
  /** Fitness of a scored genome, by hash. */
  readonly fitnessOf: (hash: string) => number;
  /** Index of the best source model (the base of every sample). */
  readonly bestSource: number;
}

/** What one CMA-ES generation yields. */
export interface CmaesNext {
  /** The elites, then the new samples decoded to genomes. */
  readonly population: Genome[];
  /** The updated distribution with the new samples (told next generation). */
  readonly run: CmaesRun;
}

/** The next generation: the elites, then λ = populationSize − elites new samples; and the updated CMA-ES run. */
export function cmaesGeneration(
  step: CmaesStep,
  settings: CmaesSettings & { populationSize: number; elites: number },
  space: GenomeSpace,
  rng: Rng,
): CmaesNext {
  let run = step.run ?? startRun(step.bestSource, settings, space);
  if (step.run !== undefined && run.samples.length > 0) {
    const fitness = run.samples.map(
      (x) => step.fitnessOf(genomeHash(vectorToGenome(x, run.template, space))) - boxPenalty(x),
    );
    run = { ...run, state: cmaTell(run.state, run.samples, fitness) };
  }
  const samples = cmaAsk(run.state, settings.populationSize - settings.elites, rng);
  const population = [
    ...step.population.slice(0, settings.elites),
    ...samples.map((x) => vectorToGenome(x, run.template, space)),
  ];
  return { population, run: { ...run, samples } };
}
