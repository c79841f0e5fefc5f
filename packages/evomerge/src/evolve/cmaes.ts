/**
 * CMA-ES, the (μ/μ_w, λ) variant with rank-one and rank-μ covariance updates and cumulative step-size
 * adaptation, following Hansen, "The CMA Evolution Strategy: A Tutorial" (arXiv:1604.00772), Table 1 and
 * the default parameters of its Appendix A (positive recombination weights only). Maximises. Written by
 * hand: no maintained CMA-ES package exists on npm (see ../../README.md). The state is plain JSON, so a
 * search saves it every generation and resumes exactly; sampling draws from the caller's seeded Rng.
 */
import type { Rng } from '@agent-forge/core';
import { z } from 'zod';

/** Zod schema of a CMA-ES state as stored in the evolution state. */
export const CmaStateSchema = z.object({
  /** Distribution mean m. */
  mean: z.array(z.number()),
  /** Overall step size σ. */
  sigma: z.number().positive(),
  /** Covariance matrix C (n × n, symmetric). */
  covariance: z.array(z.array(z.number())),
  /** Evolution path of C, p_c. */
  pathC: z.array(z.number()),
  /** Conjugate evolution path of σ, p_σ. */
  pathSigma: z.array(z.number()),
  /** Updates applied so far (for the h_σ bias correction). */
  updates: z.number().int().min(0),
});
/** A CMA-ES state (see {@link CmaStateSchema}). */
export type CmaState = z.infer<typeof CmaStateSchema>;

/** A fresh state around `mean` with step size `sigma` and C = I. */
export function cmaInit(mean: readonly number[], sigma: number): CmaState {
  const n = mean.length;
  return {
    mean: [...mean],
    sigma,
    covariance: Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))),
    pathC: new Array<number>(n).fill(0),
    pathSigma: new Array<number>(n).fill(0),
    updates: 0,
  };
}

/** An eigen-decomposition C = B·diag(values)·Bᵀ. */
export interface Eigen {
  /** Eigenvalues, in the order of B's columns. */
  readonly values: number[];
  /** B, row-major: column k is the eigenvector of `values[k]`. */
  readonly vectors: number[][];
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: C = B diag(values) Bᵀ, B's columns the vectors. */
export function symmetricEigen(matrix: readonly (readonly number[])[]): Eigen {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const at = (m: number[][], i: number, j: number): number => (m[i] as number[])[j] as number;
  const set = (m: number[][], i: number, j: number, value: number): void => void ((m[i] as number[])[j] = value);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += at(a, p, q) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(at(a, p, q)) < 1e-300) continue;
        const theta = (at(a, q, q) - at(a, p, p)) / (2 * at(a, p, q));
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = at(a, k, p);
          const akq = at(a, k, q);
          set(a, k, p, c * akp - s * akq);
          set(a, k, q, s * akp + c * akq);
        }
        for (let k = 0; k < n; k++) {
          const apk = at(a, p, k);
          const aqk = at(a, q, k);
          set(a, p, k, c * apk - s * aqk);
          set(a, q, k, s * apk + c * aqk);
        }
        for (let k = 0; k < n; k++) {
          const vkp = at(v, k, p);
          const vkq = at(v, k, q);
          set(v, k, p, c * vkp - s * vkq);
          set(v, k, q, s * vkp + c * vkq);
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i] as number), vectors: v };
}

/** The strategy parameters of Hansen's tutorial, Table 1 (names as there). */
export interface CmaParameters {
  /** Parents μ = ⌊λ/2⌋. */
  readonly mu: number;
  /** Positive recombination weights w_1…w_μ, summing to 1. */
  readonly weights: number[];
  /** Variance-effective selection mass μ_eff = 1 / Σ w². */
  readonly muEff: number;
  /** Learning rate c_σ of the step-size path. */
  readonly cSigma: number;
  /** Damping d_σ of the step-size update. */
  readonly dSigma: number;
  /** Learning rate c_c of the covariance path. */
  readonly cC: number;
  /** Rank-one learning rate c_1. */
  readonly c1: number;
  /** Rank-μ learning rate c_μ. */
  readonly cMu: number;
  /** E‖N(0, I)‖ for dimension n. */
  readonly chiN: number;
}

/** The strategy parameters of Hansen's Table 1 for dimension `n` and `lambda` samples per generation. */
export function cmaParameters(n: number, lambda: number): CmaParameters {
  const mu = Math.floor(lambda / 2);
  const raw = Array.from({ length: mu }, (_, i) => Math.log(mu + 0.5) - Math.log(i + 1));
  const total = raw.reduce((sum, w) => sum + w, 0);
  const weights = raw.map((w) => w / total);
  const muEff = 1 / weights.reduce((sum, w) => sum + w * w, 0);
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const c1 = 2 / ((n + 1.3) ** 2 + muEff);
  return {
    mu,
    weights,
    muEff,
    cSigma,
    dSigma: 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma,
    cC: (4 + muEff / n) / (n + 4 + (2 * muEff) / n),
    c1,
    cMu: Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff)),
    chiN: Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n)),
  };
}

/** `lambda` samples x = m + σ·B·D·z, z ~ N(0, I), from `rng`. */
export function cmaAsk(state: CmaState, lambda: number, rng: Rng): number[][] {
  const { values, vectors } = symmetricEigen(state.covariance);
  const n = state.mean.length;
  const scales = values.map((value) => Math.sqrt(Math.max(value, 1e-20)));
  return Array.from({ length: lambda }, () => {
    const z = Array.from({ length: n }, () => rng.normal());
    return state.mean.map(
      (m, i) =>
        m +
        state.sigma *
          scales.reduce((sum, d, k) => sum + ((vectors[i] as number[])[k] as number) * d * (z[k] as number), 0),
    );
  });
}

/** C^(−1/2)·y = B·D⁻¹·Bᵀ·y. */
function whiten(covariance: readonly (readonly number[])[], y: readonly number[]): number[] {
  const { values, vectors } = symmetricEigen(covariance);
  const n = y.length;
  const column = (k: number): number[] => Array.from({ length: n }, (_, i) => (vectors[i] as number[])[k] as number);
  const out = new Array<number>(n).fill(0);
  for (let k = 0; k < n; k++) {
    const b = column(k);
    const projection =
      b.reduce((sum, bi, i) => sum + bi * (y[i] as number), 0) / Math.sqrt(Math.max(values[k] as number, 1e-20));
    for (let i = 0; i < n; i++) out[i] = (out[i] as number) + (b[i] as number) * projection;
  }
  return out;
}

const norm = (v: readonly number[]): number => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));

/**
 * One update from the samples `ask` drew (at this state's mean and σ) and their fitness (higher is
 * better): new mean, evolution paths, covariance (rank-one + rank-μ) and step size.
 */
export function cmaTell(
  state: CmaState,
  samples: readonly (readonly number[])[],
  fitness: readonly number[],
): CmaState {
  const n = state.mean.length;
  const p = cmaParameters(n, samples.length);
  const order = samples.map((_, i) => i).sort((a, b) => (fitness[b] as number) - (fitness[a] as number) || a - b);
  const steps = order
    .slice(0, p.mu)
    .map((i) => (samples[i] as number[]).map((x, k) => (x - (state.mean[k] as number)) / state.sigma));
  const yw = Array.from({ length: n }, (_, k) =>
    steps.reduce((sum, y, i) => sum + (p.weights[i] as number) * (y[k] as number), 0),
  );
  const mean = state.mean.map((m, k) => m + state.sigma * (yw[k] as number));
  const whitened = whiten(state.covariance, yw);
  const sigmaFactor = Math.sqrt(p.cSigma * (2 - p.cSigma) * p.muEff);
  const pathSigma = state.pathSigma.map((ps, k) => (1 - p.cSigma) * ps + sigmaFactor * (whitened[k] as number));
  const updates = state.updates + 1;
  const hSigma =
    norm(pathSigma) / Math.sqrt(1 - (1 - p.cSigma) ** (2 * updates)) < (1.4 + 2 / (n + 1)) * p.chiN ? 1 : 0;
  const cFactor = hSigma * Math.sqrt(p.cC * (2 - p.cC) * p.muEff);
  const pathC = state.pathC.map((pc, k) => (1 - p.cC) * pc + cFactor * (yw[k] as number));
  const keep = 1 - p.c1 - p.cMu + (1 - hSigma) * p.c1 * p.cC * (2 - p.cC);
  const covariance = state.covariance.map((row, i) =>
    row.map((c, j) => {
      const rankMu = steps.reduce(
        (sum, y, r) => sum + (p.weights[r] as number) * (y[i] as number) * (y[j] as number),
        0,
      );
      return keep * c + p.c1 * (pathC[i] as number) * (pathC[j] as number) + p.cMu * rankMu;
    }),
  );
  const sigma = state.sigma * Math.exp((p.cSigma / p.dSigma) * (norm(pathSigma) / p.chiN - 1));
  return { mean, sigma, covariance, pathC, pathSigma, updates };
}
