import { describe, expect, it } from 'vitest';
import { Rng } from '@agent-forge/core';
import { cmaAsk, cmaInit, cmaTell, symmetricEigen, type CmaState } from '../src/evolve/cmaes.js';

/** Runs CMA-ES on `f` (maximised) for `generations`, returning the final state and the best value seen. */
function optimise(f: (x: number[]) => number, start: number[], generations: number, lambda = 8) {
  let state: CmaState = cmaInit(start, 0.5);
  const rng = Rng.fromSeed(11);
  let best = -Infinity;
  for (let g = 0; g < generations; g++) {
    const samples = cmaAsk(state, lambda, rng.fork(`g${g}`));
    const fitness = samples.map(f);
    best = Math.max(best, ...fitness);
    state = cmaTell(state, samples, fitness);
  }
  return { state, best };
}

describe('CMA-ES', () => {
  it('decomposes a symmetric matrix: B·diag(λ)·Bᵀ rebuilds it', () => {
    const m = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ];
    const { values, vectors } = symmetricEigen(m);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const rebuilt = values.reduce((sum, v, k) => sum + (vectors[i]?.[k] ?? 0) * v * (vectors[j]?.[k] ?? 0), 0);
        expect(rebuilt).toBeCloseTo(m[i]?.[j] ?? NaN, 10);
      }
  });

  it('converges on a shifted sphere in 6 dimensions', () => {
    const shift = [1.5, -2, 0.7, 3, -1, 0.25];
    const sphere = (x: number[]): number => -x.reduce((sum, v, i) => sum + (v - (shift[i] ?? 0)) ** 2, 0);
    const { state, best } = optimise(sphere, new Array(6).fill(0), 200);
    state.mean.forEach((m, i) => expect(m).toBeCloseTo(shift[i] ?? NaN, 4));
    expect(best).toBeGreaterThan(-1e-8);
    expect(state.sigma).toBeLessThan(1e-3);
  });

  it('learns the scaling of an ill-conditioned ellipsoid (the covariance adapts, not just σ)', () => {
    const ellipsoid = (x: number[]): number => -x.reduce((sum, v, i) => sum + 1000 ** (i / 3) * (v - 1) ** 2, 0);
    const { state } = optimise(ellipsoid, [0, 0, 0, 0], 300);
    state.mean.forEach((m) => expect(m).toBeCloseTo(1, 4));
    // Along the steepest axis the learned variance is far below the flattest one's (condition ~1000).
    expect(state.covariance[0]?.[0] ?? 0).toBeGreaterThan(100 * (state.covariance[3]?.[3] ?? Infinity));
  });
});
