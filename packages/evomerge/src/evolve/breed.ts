/** One generation's offspring: elitism, tournament selection, crossover, mutation and, when diversity is low, immigrants. */
import type { Rng } from '@agent-forge/core';
import { genomeHash, randomGenome, type Genome, type GenomeSpace } from './genome.js';
import { crossover, mutate, tournament, type MutationSettings, type Scored } from './operators.js';

/** The genetic algorithm's knobs for making one generation from the last (see {@link breed}). */
export interface BreedSettings {
  /** Members of every generation (default 8). */
  readonly populationSize: number;
  /** Best distinct genomes copied unchanged into the next generation; < populationSize (default 2). */
  readonly elites: number;
  /** Members drawn (with replacement) per tournament; the fittest becomes a parent (default 3). */
  readonly tournamentSize: number;
  /** Probability ∈ [0, 1] that a child is a crossover of two tournament winners rather than a copy of one (default 0.9). */
  readonly crossoverRate: number;
  /** Mutation applied to every child; raised by `boostFactor` while diversity is low. */
  readonly mutation: MutationSettings;
  /** Mutation rate and scale multiplier while diversity is below the threshold. */
  readonly boostFactor: number;
  /** Random genomes injected while diversity is below the threshold. */
  readonly immigrants: number;
}

/** Tries to make a child that is not already in the next population before accepting a duplicate. */
const DUPLICATE_RETRIES = 5;

export function boostedMutation(settings: BreedSettings): MutationSettings {
  const { rate, scale, methodRate } = settings.mutation;
  const factor = settings.boostFactor;
  return { rate: Math.min(1, rate * factor), scale: scale * factor, methodRate: Math.min(1, methodRate * factor) };
}

/** The initial population: the sources, then random merges whose methods cycle through a seeded shuffle of the methods. */
export function initialPopulation(sources: readonly Genome[], space: GenomeSpace, size: number, rng: Rng): Genome[] {
  const methods = rng.shuffle(space.methods);
  const variants = Array.from({ length: Math.max(0, size - sources.length) }, (_, i) =>
    randomGenome(space, rng, methods[i % methods.length]),
  );
  return [...sources, ...variants];
}

/**
 * The next population from `scored` (sorted best first): the `elites` best distinct genomes unchanged,
 * then children of tournament winners, then (when `boosted`) `immigrants` random genomes.
 */
export function breed(
  scored: readonly Scored[],
  space: GenomeSpace,
  settings: BreedSettings,
  boosted: boolean,
  rng: Rng,
): {
  /** The next generation, `populationSize` genomes: elites first, then children, then immigrants. */
  population: Genome[];
  /** How many random immigrants are at the end of `population` (0 unless boosted). */
  immigrants: number;
} {
  const next: Genome[] = [];
  const seen = new Set<string>();
  const add = (genome: Genome): void => {
    next.push(genome);
    seen.add(genomeHash(genome));
  };
  for (const { genome } of scored) {
    if (next.length >= settings.elites) break;
    if (!seen.has(genomeHash(genome))) add(genome);
  }
  const immigrants = boosted ? Math.min(settings.immigrants, settings.populationSize - next.length) : 0;
  const mutation = boosted ? boostedMutation(settings) : settings.mutation;
  while (next.length < settings.populationSize - immigrants) {
    let child = makeChild(scored, space, settings, mutation, rng);
    for (let retry = 0; retry < DUPLICATE_RETRIES && seen.has(genomeHash(child)); retry++)
      child = mutate(child, space, mutation, rng);
    add(child);
  }
  for (let i = 0; i < immigrants; i++) add(randomGenome(space, rng));
  return { population: next, immigrants };
}

function makeChild(
  scored: readonly Scored[],
  space: GenomeSpace,
  settings: BreedSettings,
  mutation: MutationSettings,
  rng: Rng,
): Genome {
  const first = tournament(scored, settings.tournamentSize, rng);
  const parent =
    rng.float() < settings.crossoverRate
      ? crossover(first, tournament(scored, settings.tournamentSize, rng), space, rng)
      : first;
  return mutate(parent, space, mutation, rng);
}
