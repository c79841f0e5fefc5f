/**
 * The genome of the evolutionary search: one merge recipe over the N source models. Every genome
 * carries every gene (a fixed layout makes crossover and distances simple); `method` decides which
 * genes are expressed (see `expressedGenes` in distance.ts and `genomeToMergeConfig` in decode.ts).
 */
import { createHash } from 'node:crypto';
import type { Rng } from '@agent-forge/core';
import { z } from 'zod';

/** The merge methods the search can choose (names of the method registry). */
export const SEARCH_METHODS = [
  'linear',
  'slerp',
  'task_arithmetic',
  'ties',
  'dare_ties',
  'dare_linear',
  'breadcrumbs',
  'breadcrumbs_ties',
  'della',
  'della_linear',
  'model_stock',
  'frankenmerge',
  'dfs',
] as const;
/** A merge method the search can choose: one of {@link SEARCH_METHODS} (mergekit's names; `dare`, `passthrough` aliases excluded). */
export type SearchMethod = (typeof SEARCH_METHODS)[number];

/** Methods that read per-model `density` (the drop rate is 1 − density). */
export const DENSITY_METHODS: ReadonlySet<SearchMethod> = new Set([
  'ties',
  'dare_ties',
  'dare_linear',
  'breadcrumbs',
  'breadcrumbs_ties',
  'della',
  'della_linear',
]);
/** Methods that merge task vectors against `base`. */
export const TASK_VECTOR_METHODS: ReadonlySet<SearchMethod> = new Set(['task_arithmetic', ...DENSITY_METHODS]);
/** Methods whose output is a layer plan (`route`); depth may change. */
export const ROUTING_METHODS: ReadonlySet<SearchMethod> = new Set(['frankenmerge', 'dfs']);

/** One step of a frankenmerge/dfs layer plan. */
export const RouteStepGeneSchema = z.object({
  /** Index of the source model. */
  model: z.number().int().min(0),
  /** Layer of that model. */
  layer: z.number().int().min(0),
  /** Hidden-state scale on entering the layer (dfs only; frankenmerge copies at scale 1). */
  scale: z.number().positive(),
});
/** One step of a layer plan (see {@link RouteStepGeneSchema}). */
export type RouteStepGene = z.infer<typeof RouteStepGeneSchema>;

/**
 * Zod schema of a {@link Genome}, as stored in the evolution state. Model genes are 0-based indices
 * into the source list; `weights` is [models][layerGroups], `t` is [layerGroups], `density` is [models].
 */
export const GenomeSchema = z.object({
  /** The merge method; it decides which of the other genes are expressed. */
  method: z.enum(SEARCH_METHODS),
  /** Base model (slerp t = 0, task-vector base, layer-routing primary); its titan settings go to the merged model. */
  base: z.number().int().min(0),
  /** slerp's second model. */
  other: z.number().int().min(0),
  /** Per model and layer group: linear weights, task-vector weights (a gradient over the depth). */
  weights: z.array(z.array(z.number())),
  /** slerp t per layer group. */
  t: z.array(z.number()),
  /** Per model: kept share of each task vector (drop rate = 1 − density). */
  density: z.array(z.number()),
  /** The layer plan of frankenmerge and dfs. */
  route: z.array(RouteStepGeneSchema).min(1),
  /** Seed of the random drops (DARE, DELLA). */
  seed: z.number().int().min(0),
});
/**
 * One merge recipe over the N source models: every gene of every method is always present (fixed
 * layout for crossover and distances), `method` picks the expressed ones. Decode it with
 * `genomeToMergeConfig`; `genomeHash` is its identity.
 */
export type Genome = z.infer<typeof GenomeSchema>;

/** The shape and bounds of the genome space. */
export interface GenomeSpace {
  /** Number of source models N; model genes range over 0…N−1. */
  readonly models: number;
  /** Blocks in each source model. */
  readonly layers: number;
  /** Anchors of the per-layer gradient of weights and t. */
  readonly layerGroups: number;
  /** Methods random genomes and method mutations may pick (model_stock only with ≥ 3 sources). */
  readonly methods: readonly SearchMethod[];
  /** Longest layer plan. */
  readonly maxDepth: number;
  /** [min, max] of the `density` genes (kept share of a task vector); max is 1. */
  readonly densityRange: readonly [number, number];
  /** [min, max] of the `weights` genes; min is 0. */
  readonly weightRange: readonly [number, number];
  /** [min, max] of the dfs hidden-state scale genes; both > 0. */
  readonly scaleRange: readonly [number, number];
}

/** Continuous genes are stored at this resolution, so equal recipes hash equal and states round-trip exactly. */
const GENE_RESOLUTION = 1e4;

export function quantize(value: number): number {
  return Math.round(value * GENE_RESOLUTION) / GENE_RESOLUTION;
}

export function uniformIn(rng: Rng, [low, high]: readonly [number, number]): number {
  return quantize(low + (high - low) * rng.float());
}

/** Source model `index` as a genome: linear with weight 1 on it, 0 on the others, so the merge is that model exactly. */
export function sourceGenome(space: GenomeSpace, index: number): Genome {
  return {
    method: 'linear',
    base: index,
    other: (index + 1) % space.models,
    weights: Array.from({ length: space.models }, (_, model) =>
      Array.from({ length: space.layerGroups }, () => (model === index ? 1 : 0)),
    ),
    t: Array.from({ length: space.layerGroups }, () => 0.5),
    density: Array.from({ length: space.models }, () => 1),
    route: Array.from({ length: space.layers }, (_, layer) => ({ model: index, layer, scale: 1 })),
    seed: 0,
  };
}

/** A uniformly random layer-plan step. */
export function randomStep(space: GenomeSpace, rng: Rng): RouteStepGene {
  return {
    model: rng.int(0, space.models - 1),
    layer: rng.int(0, space.layers - 1),
    scale: uniformIn(rng, space.scaleRange),
  };
}

/** A random genome of `method` (default: a random method). */
export function randomGenome(space: GenomeSpace, rng: Rng, method: SearchMethod = rng.pick(space.methods)): Genome {
  const base = rng.int(0, space.models - 1);
  const depth = rng.int(1, space.maxDepth);
  const genome: Genome = {
    method,
    base,
    other: rng.int(0, space.models - 1),
    weights: Array.from({ length: space.models }, () =>
      Array.from({ length: space.layerGroups }, () => uniformIn(rng, space.weightRange)),
    ),
    t: Array.from({ length: space.layerGroups }, () => uniformIn(rng, [0, 1])),
    density: Array.from({ length: space.models }, () => uniformIn(rng, space.densityRange)),
    route: Array.from({ length: depth }, () => randomStep(space, rng)),
    seed: rng.int(0, 0x7fffffff),
  };
  return repairGenome(genome, space);
}

/**
 * Keeps a genome valid after crossover or mutation: slerp needs two different models, and a linear
 * merge needs a positive weight sum at every layer group (the base's weight is set to the upper
 * bound where all are 0).
 */
export function repairGenome(genome: Genome, space: GenomeSpace): Genome {
  const other = genome.other === genome.base ? (genome.base + 1) % space.models : genome.other;
  const weights = genome.weights.map((row) => [...row]);
  for (let group = 0; group < space.layerGroups; group++) {
    if (weights.every((row) => (row[group] ?? 0) <= 0))
      (weights[genome.base] as number[])[group] = space.weightRange[1];
  }
  const route = genome.route.slice(0, space.maxDepth);
  return { ...genome, other, weights, route };
}

/** Stable identity of a genome: the fitness cache key. Only the expressed genes count, so recipes that merge the same way share one evaluation. */
export function genomeHash(genome: Genome): string {
  return createHash('sha256')
    .update(JSON.stringify(expressedRecipe(genome)))
    .digest('hex')
    .slice(0, 16);
}

/** The genes that change the merged model, for hashing. */
export function expressedRecipe(genome: Genome): Record<string, unknown> {
  const { method } = genome;
  if (ROUTING_METHODS.has(method)) {
    const route = genome.route.map((step) => (method === 'dfs' ? step : { ...step, scale: 1 }));
    return { method, base: genome.base, route };
  }
  if (method === 'linear') return { method, base: genome.base, weights: genome.weights };
  if (method === 'slerp') return { method, base: genome.base, other: genome.other, t: genome.t };
  if (method === 'model_stock') return { method, base: genome.base };
  const seeded = method.startsWith('dare') || method.startsWith('della');
  return {
    method,
    base: genome.base,
    weights: genome.weights,
    ...(DENSITY_METHODS.has(method) ? { density: genome.density } : {}),
    ...(seeded ? { seed: genome.seed } : {}),
  };
}
