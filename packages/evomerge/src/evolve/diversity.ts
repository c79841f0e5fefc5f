/**
 * Population diversity, in genome space and in weight space, each normalised to [0, 1].
 *
 * Genome distance d(a, b): 1 when the methods differ; otherwise the mean distance of the genes that
 * method expresses (a categorical gene: 0 or 1; a continuous one: |Δ| / range; a layer-plan slot:
 * model, layer and scale compared, a missing step counting 1). Genome diversity is the mean pairwise
 * d divided by the mean d of random genome pairs (so 1 ≈ as spread as a random population), capped at 1.
 *
 * Weight distance: ‖f_a − f_b‖ / (‖f_a‖ + ‖f_b‖) ∈ [0, 1] on fingerprints (the merged values at fixed
 * sampled positions). Weight diversity is the mean pairwise distance divided by that of the source
 * models, capped at 1: 1 means the population is as spread as the models it merges.
 */
import { Rng } from '@agent-forge/core';
import {
  DENSITY_METHODS,
  ROUTING_METHODS,
  randomGenome,
  type Genome,
  type GenomeSpace,
  type RouteStepGene,
} from './genome.js';

const mismatch = (a: number, b: number): number => (a === b ? 0 : 1);
const rangeDistance = (a: number, b: number, [low, high]: readonly [number, number]): number =>
  high > low ? Math.abs(a - b) / (high - low) : 0;

function routeDistance(
  a: readonly RouteStepGene[],
  b: readonly RouteStepGene[],
  space: GenomeSpace,
  withScale: boolean,
): number[] {
  const length = Math.max(a.length, b.length);
  return Array.from({ length }, (_, slot) => {
    const x = a[slot];
    const y = b[slot];
    if (x === undefined || y === undefined) return 1;
    const parts = [mismatch(x.model, y.model), mismatch(x.layer, y.layer)];
    if (withScale) parts.push(rangeDistance(x.scale, y.scale, space.scaleRange));
    return parts.reduce((sum, part) => sum + part, 0) / parts.length;
  });
}

/** Per-gene distances of the genes `a.method` expresses (a and b share the method). */
function expressedDistances(a: Genome, b: Genome, space: GenomeSpace): number[] {
  const base = [mismatch(a.base, b.base)];
  const { method } = a;
  if (ROUTING_METHODS.has(method)) return [...base, ...routeDistance(a.route, b.route, space, method === 'dfs')];
  if (method === 'slerp')
    return [...base, mismatch(a.other, b.other), ...a.t.map((t, g) => rangeDistance(t, b.t[g] ?? t, [0, 1]))];
  if (method === 'model_stock') return base;
  const weights = a.weights.flatMap((row, i) =>
    row.map((w, g) => rangeDistance(w, b.weights[i]?.[g] ?? w, space.weightRange)),
  );
  if (!DENSITY_METHODS.has(method)) return [...base, ...weights];
  return [...base, ...weights, ...a.density.map((d, i) => rangeDistance(d, b.density[i] ?? d, space.densityRange))];
}

/** Distance d(a, b) ∈ [0, 1]: 1 for different methods, else the mean per-gene distance of the genes the method expresses. */
export function genomeDistance(a: Genome, b: Genome, space: GenomeSpace): number {
  if (a.method !== b.method) return 1;
  const parts = expressedDistances(a, b, space);
  return parts.reduce((sum, part) => sum + part, 0) / parts.length;
}

export function meanPairwise<T>(items: readonly T[], distance: (a: T, b: T) => number): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      sum += distance(items[i] as T, items[j] as T);
      pairs += 1;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}

/** Mean distance of random genome pairs (fixed seed, so the normaliser is the same in every run). */
export function randomGenomeDistance(space: GenomeSpace, pairs = 512): number {
  const rng = Rng.fromSeed(0x5eed).fork('random-genome-distance');
  let sum = 0;
  for (let i = 0; i < pairs; i++) sum += genomeDistance(randomGenome(space, rng), randomGenome(space, rng), space);
  return sum / pairs;
}

/** Mean pairwise {@link genomeDistance} of `genomes` divided by `randomDistance` ({@link randomGenomeDistance}), capped at 1; below `diversityThreshold` the search boosts. */
export function genomeDiversity(genomes: readonly Genome[], space: GenomeSpace, randomDistance: number): number {
  return Math.min(1, meanPairwise(genomes, (a, b) => genomeDistance(a, b, space)) / randomDistance);
}

/** ‖a − b‖ / (‖a‖ + ‖b‖) ∈ [0, 1] between two equal-length fingerprints; 0 when both are zero. */
export function fingerprintDistance(a: readonly number[], b: readonly number[]): number {
  let diff = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    diff += (x - y) ** 2;
    normA += x * x;
    normB += y * y;
  }
  const scale = Math.sqrt(normA) + Math.sqrt(normB);
  return scale === 0 ? 0 : Math.sqrt(diff) / scale;
}

/** `sourceSpread`: mean pairwise fingerprint distance of the source models. */
export function weightDiversity(fingerprints: readonly (readonly number[])[], sourceSpread: number): number {
  if (sourceSpread <= 0) return 0;
  return Math.min(1, meanPairwise(fingerprints, fingerprintDistance) / sourceSpread);
}
