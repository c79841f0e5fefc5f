/** The genetic operators: tournament selection, uniform crossover, bounded seeded mutation. */
import type { Rng } from '@agent-forge/core';
import { quantize, randomStep, repairGenome, type Genome, type GenomeSpace, type RouteStepGene } from './genome.js';

/** A population member with its composite fitness, the input of selection. */
export interface Scored {
  /** The member's recipe. */
  readonly genome: Genome;
  /** Its composite fitness (higher is better; see `compositeFitness`). */
  readonly fitness: number;
}

/** The fittest of `size` members drawn with replacement. */
export function tournament(population: readonly Scored[], size: number, rng: Rng): Genome {
  let best = rng.pick(population);
  for (let i = 1; i < size; i++) {
    const challenger = rng.pick(population);
    if (challenger.fitness > best.fitness) best = challenger;
  }
  return best.genome;
}

const either = <T>(a: T, b: T, rng: Rng): T => (rng.float() < 0.5 ? a : b);

/**
 * Uniform crossover: every gene (each weight, t, density entry) from either parent; the layer plans
 * are cut once each and joined (one-point crossover), which keeps runs of consecutive layers.
 */
export function crossover(a: Genome, b: Genome, space: GenomeSpace, rng: Rng): Genome {
  const cutA = rng.int(1, a.route.length);
  const cutB = rng.int(0, b.route.length - 1);
  const route = [...a.route.slice(0, cutA), ...b.route.slice(cutB)];
  const child: Genome = {
    method: either(a.method, b.method, rng),
    base: either(a.base, b.base, rng),
    other: either(a.other, b.other, rng),
    weights: a.weights.map((row, i) => row.map((value, g) => either(value, b.weights[i]?.[g] ?? value, rng))),
    t: a.t.map((value, g) => either(value, b.t[g] ?? value, rng)),
    density: a.density.map((value, i) => either(value, b.density[i] ?? value, rng)),
    route,
    seed: either(a.seed, b.seed, rng),
  };
  return repairGenome(child, space);
}

/** How strongly {@link mutate} perturbs a genome; the phase's defaults are rate 0.2, scale 0.15, methodRate 0.1. */
export interface MutationSettings {
  /** Chance that each gene changes. */
  readonly rate: number;
  /** Gaussian step as a share of the gene's range. */
  readonly scale: number;
  /** Chance that the method changes. */
  readonly methodRate: number;
}

function perturb(value: number, range: readonly [number, number], settings: MutationSettings, rng: Rng): number {
  if (rng.float() >= settings.rate) return value;
  const [low, high] = range;
  return quantize(Math.min(high, Math.max(low, value + rng.normal(0, settings.scale * (high - low)))));
}

function mutateRoute(
  route: readonly RouteStepGene[],
  space: GenomeSpace,
  settings: MutationSettings,
  rng: Rng,
): RouteStepGene[] {
  const steps = route.map((step) => ({
    model: rng.float() < settings.rate ? rng.int(0, space.models - 1) : step.model,
    layer: rng.float() < settings.rate ? rng.int(0, space.layers - 1) : step.layer,
    scale: perturb(step.scale, space.scaleRange, settings, rng),
  }));
  if (rng.float() < settings.rate) {
    const at = rng.int(0, steps.length);
    if (steps.length < space.maxDepth && (steps.length === 1 || rng.float() < 0.5))
      steps.splice(at, 0, randomStep(space, rng));
    else if (steps.length > 1) steps.splice(Math.min(at, steps.length - 1), 1);
  }
  return steps;
}

/** Each gene changes with probability `rate`, within its bounds; all draws come from `rng`, so a seed fixes the result. */
export function mutate(genome: Genome, space: GenomeSpace, settings: MutationSettings, rng: Rng): Genome {
  const pickIndex = (value: number, count: number): number =>
    rng.float() < settings.rate ? rng.int(0, count - 1) : value;
  const mutated: Genome = {
    method: rng.float() < settings.methodRate ? rng.pick(space.methods) : genome.method,
    base: pickIndex(genome.base, space.models),
    other: pickIndex(genome.other, space.models),
    weights: genome.weights.map((row) => row.map((value) => perturb(value, space.weightRange, settings, rng))),
    t: genome.t.map((value) => perturb(value, [0, 1], settings, rng)),
    density: genome.density.map((value) => perturb(value, space.densityRange, settings, rng)),
    route: mutateRoute(genome.route, space, settings, rng),
    seed: rng.float() < settings.rate ? rng.int(0, 0x7fffffff) : genome.seed,
  };
  return repairGenome(mutated, space);
}
