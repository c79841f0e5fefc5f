/**
 * The combine step shared by task arithmetic, TIES, DARE, breadcrumbs and DELLA (mergekit's
 * "generalized task arithmetic"): with task vectors τᵢ = θᵢ − θ_base already sparsified and weights
 * wᵢ, per entry
 *   - without consensus: mixed = Σ wᵢτᵢ, divided by Σ wᵢ when normalising;
 *   - with consensus (TIES): elect a sign, then keep only the wᵢτᵢ of that sign (zeros never agree)
 *     and divide by the sum of their weights when normalising — the "disjoint mean";
 * and θ = θ_base + λ·mixed.
 */
export type Consensus = 'sum' | 'count';

export interface CombineOptions {
  readonly weights: readonly number[];
  /** Sign election: `sum` = sign of the total weighted mass (TIES paper), `count` = majority of signs. Ties go to +. */
  readonly consensus?: Consensus;
  readonly normalize: boolean;
  readonly lambda: number;
}

/** θ_i − θ_base as a fresh array. */
export function taskVector(model: Float32Array, base: Float32Array): Float32Array {
  const delta = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) delta[i] = (model[i] as number) - (base[i] as number);
  return delta;
}

export function combineTaskVectors(
  base: Float32Array,
  deltas: readonly Float32Array[],
  options: CombineOptions,
): Float32Array {
  const out = new Float32Array(base.length);
  const { weights, normalize, lambda, consensus } = options;
  for (let e = 0; e < base.length; e++) {
    const elected = consensus === undefined ? 0 : electSign(deltas, weights, e, consensus);
    let mixed = 0;
    let divisor = 0;
    for (let m = 0; m < deltas.length; m++) {
      const weight = weights[m] as number;
      const weighted = (weight * (deltas[m] as Float32Array)[e]) as number;
      if (consensus !== undefined && Math.sign(weighted) !== elected) continue;
      mixed += weighted;
      divisor += weight;
    }
    // A (near-)zero divisor would blow up; mergekit divides by 1 instead, and so do we.
    if (normalize && Math.abs(divisor) >= 1e-8) mixed /= divisor;
    out[e] = (base[e] as number) + lambda * mixed;
  }
  return out;
}

function electSign(
  deltas: readonly Float32Array[],
  weights: readonly number[],
  e: number,
  consensus: Consensus,
): number {
  let total = 0;
  for (let m = 0; m < deltas.length; m++) {
    const weighted = ((weights[m] as number) * (deltas[m] as Float32Array)[e]) as number;
    total += consensus === 'sum' ? weighted : Math.sign(weighted);
  }
  return total >= 0 ? 1 : -1;
}
