import type { Rng } from '@agent-forge/core';
import { rankRangeMask } from './rank-select.js';

/**
 * Sparsifying a task vector in place (mergekit's sparsify.py semantics, re-derived): `density` is
 * the fraction of entries kept. Deterministic methods keep by magnitude rank; random ones draw a
 * keep decision per entry from the seeded stream. With `inverse`, kept entries are divided by their
 * keep probability (the DARE paper's rescale); mergekit's L1 rescale is applied by the caller.
 */

/** TIES trim: keep the ⌊density·n⌋ largest magnitudes. (mergekit refuses a k of 0; here it empties the tensor.) */
export function keepTopMagnitudes(delta: Float32Array, density: number, inverse = false): void {
  if (density >= 1) return;
  const keep = Math.floor(density * delta.length);
  applyMask(delta, rankRangeMask(delta, delta.length - keep, delta.length), inverse ? 1 / density : 1);
}

/**
 * Model Breadcrumbs: drop the ⌊gamma·n⌋ largest magnitudes (outliers) and then the smallest, so
 * that ⌊density·n⌋ remain; when density + gamma > 1 fewer outliers are dropped to keep the density.
 */
export function keepMiddleMagnitudes(delta: Float32Array, density: number, gamma: number, inverse = false): void {
  if (density >= 1) return;
  const n = delta.length;
  const keep = Math.floor(density * n);
  let top = Math.floor(gamma * n);
  let bottom = n - keep - top;
  if (bottom < 0) {
    top += bottom;
    bottom = 0;
  }
  applyMask(delta, rankRangeMask(delta, bottom, n - top), inverse && density > 0 ? 1 / density : 1);
}

/** DARE: keep each entry with probability `density` (drop rate p = 1 − density). */
export function dropRandomly(delta: Float32Array, density: number, inverse: boolean, rng: Rng): void {
  if (density >= 1) return;
  const factor = inverse && density > 0 ? 1 / density : 1;
  for (let i = 0; i < delta.length; i++) {
    delta[i] = rng.float() < density ? (delta[i] as number) * factor : 0;
  }
}

function applyMask(values: Float32Array, mask: Uint8Array, factor: number): void {
  for (let i = 0; i < values.length; i++) values[i] = mask[i] === 0 ? 0 : (values[i] as number) * factor;
}
