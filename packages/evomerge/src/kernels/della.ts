import type { Rng } from '@agent-forge/core';
import { ForgeError } from '@agent-forge/core';

/**
 * DELLA's MagPrune (Deep et al. 2024, arXiv:2406.11617; mergekit `della_magprune`): within each row,
 * entries are ranked by magnitude and kept with a probability that rises linearly with rank, from
 * density − ε (smallest) to density + ε (largest), so large changes survive more often.
 *
 * Rows are the last axis of the stored layout. mergekit ranks rows of PyTorch's [out, in] linears
 * (one row per output unit); TinyTitan stores linears [in, out], so here a row is one input unit's
 * fan-out. A 1-D tensor is one row; a one-entry row keeps with probability `density`.
 */
export function dellaMagprune(
  delta: Float32Array,
  shape: readonly number[],
  density: number,
  epsilon: number,
  inverse: boolean,
  rng: Rng,
): void {
  if (density >= 1) return;
  if (density <= 0) {
    delta.fill(0);
    return;
  }
  if (density - epsilon <= 0 || density + epsilon >= 1) {
    throw new ForgeError(
      `della: density ± epsilon must stay inside (0, 1), got density ${density} and epsilon ${epsilon}`,
    );
  }
  const columns = shape.length === 0 ? 1 : (shape[shape.length - 1] as number);
  for (let start = 0; start < delta.length; start += columns) {
    pruneRow(delta.subarray(start, start + columns), density, epsilon, inverse, rng);
  }
}

function pruneRow(row: Float32Array, density: number, epsilon: number, inverse: boolean, rng: Rng): void {
  const order = Array.from({ length: row.length }, (_, i) => i);
  order.sort((a, b) => Math.abs(row[a] as number) - Math.abs(row[b] as number) || a - b);
  const span = row.length - 1;
  for (let rank = 0; rank < order.length; rank++) {
    const index = order[rank] as number;
    const keep = span === 0 ? density : density - epsilon + (2 * epsilon * rank) / span;
    row[index] = rng.float() < keep ? (inverse ? (row[index] as number) / keep : (row[index] as number)) : 0;
  }
}
