/**
 * Weighted k-means over vectors of length `dim` (row-major Float64Array): k-means++ seeding from the
 * project's seeded Rng, then Lloyd iterations. Weights make VPTQ's importance weighting: a vector's
 * pull on its centroid (and its chance to seed one) scales with its weight.
 */
import type { Rng } from '@agent-forge/core';

/** Output of {@link kMeans}. */
export interface KMeansResult {
  /** k centroids of length dim, row-major (`k · dim` values). */
  readonly centroids: Float64Array;
  /** Per input vector, the index (0 … k−1) of its centroid. */
  readonly assignments: Uint32Array;
}

/** Squared distance between vector `i` of `a` and vector `j` of `b`. */
function distance2(a: Float64Array, i: number, b: Float64Array, j: number, dim: number): number {
  let sum = 0;
  for (let d = 0; d < dim; d++) {
    const diff = (a[i * dim + d] as number) - (b[j * dim + d] as number);
    sum += diff * diff;
  }
  return sum;
}

/** Index of the centroid nearest to vector `i`. */
export function nearestCentroid(
  vectors: Float64Array,
  i: number,
  centroids: Float64Array,
  k: number,
  dim: number,
): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let j = 0; j < k; j++) {
    const dist = distance2(vectors, i, centroids, j, dim);
    if (dist < bestDistance) {
      bestDistance = dist;
      best = j;
    }
  }
  return best;
}

function seedCentroids(
  vectors: Float64Array,
  n: number,
  dim: number,
  k: number,
  weights: Float64Array,
  rng: Rng,
): Float64Array {
  const centroids = new Float64Array(k * dim);
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let chosen = pickWeighted(weights, rng);
  for (let c = 0; c < k; c++) {
    centroids.set(vectors.subarray(chosen * dim, (chosen + 1) * dim), c * dim);
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i] as number, distance2(vectors, i, centroids, c, dim));
      scores[i] = (nearest[i] as number) * (weights[i] as number);
    }
    chosen = pickWeighted(scores, rng);
  }
  return centroids;
}

/** An index drawn with probability ∝ score (uniform when every score is 0). */
function pickWeighted(scores: Float64Array, rng: Rng): number {
  let total = 0;
  for (const score of scores) total += score;
  if (!(total > 0)) return rng.int(0, scores.length - 1);
  let target = rng.float() * total;
  for (let i = 0; i < scores.length; i++) {
    target -= scores[i] as number;
    if (target < 0) return i;
  }
  return scores.length - 1;
}

/** One Lloyd step in place; returns whether any assignment changed. */
function lloydStep(
  vectors: Float64Array,
  n: number,
  dim: number,
  k: number,
  weights: Float64Array,
  state: { centroids: Float64Array; assignments: Uint32Array },
): boolean {
  let changed = false;
  for (let i = 0; i < n; i++) {
    const j = nearestCentroid(vectors, i, state.centroids, k, dim);
    if (j !== state.assignments[i]) changed = true;
    state.assignments[i] = j;
  }
  const sums = new Float64Array(k * dim);
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const j = state.assignments[i] as number;
    const w = weights[i] as number;
    mass[j] = (mass[j] as number) + w;
    for (let d = 0; d < dim; d++)
      sums[j * dim + d] = (sums[j * dim + d] as number) + w * (vectors[i * dim + d] as number);
  }
  // An empty (or weightless) cluster keeps its centroid rather than collapsing to the origin.
  for (let j = 0; j < k; j++)
    if ((mass[j] as number) > 0)
      for (let d = 0; d < dim; d++) state.centroids[j * dim + d] = (sums[j * dim + d] as number) / (mass[j] as number);
  return changed;
}

/** Weighted k-means of `n` vectors into `k` centroids (k ≤ n), at most `iterations` Lloyd steps. */
export function kMeans(
  vectors: Float64Array,
  dim: number,
  k: number,
  options: { iterations: number; rng: Rng; weights?: Float64Array },
): KMeansResult {
  const n = vectors.length / dim;
  const weights = options.weights ?? new Float64Array(n).fill(1);
  const state = {
    centroids: seedCentroids(vectors, n, dim, k, weights, options.rng),
    assignments: new Uint32Array(n).fill(k),
  };
  for (let step = 0; step < options.iterations; step++) {
    if (!lloydStep(vectors, n, dim, k, weights, state)) break;
  }
  return state;
}
