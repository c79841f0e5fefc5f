/**
 * The 16-bit Fibonacci linear-feedback shift register SeedLM draws its random matrices from.
 * Feedback polynomial x^16 + x^14 + x^13 + x^11 + 1, which is primitive: from any nonzero state it
 * visits all 2^16 − 1 nonzero states before repeating. Shifting right, the new top bit is the XOR of
 * bits 0, 2, 3 and 5 (the taps 16, 14, 13, 11 counted from the output end).
 */
export const LFSR_BITS = 16;
/** Period of the register from any nonzero seed: 2^16 − 1 = 65 535, also the number of usable seeds. */
export const LFSR_PERIOD = 2 ** LFSR_BITS - 1;

/** The state after `state` (nonzero, 16-bit). */
export function lfsrNext(state: number): number {
  const bit = (state ^ (state >> 2) ^ (state >> 3) ^ (state >> 5)) & 1;
  return (state >> 1) | (bit << 15);
}

/** The `count` states that follow `seed` (the seed itself excluded). */
export function lfsrStates(seed: number, count: number): Uint16Array {
  const out = new Uint16Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = lfsrNext(state);
    out[i] = state;
  }
  return out;
}

/** Steps until `seed` comes back (65 535 for a primitive polynomial and a nonzero seed). */
export function lfsrPeriod(seed: number): number {
  let state = lfsrNext(seed);
  let steps = 1;
  while (state !== seed && steps <= 2 ** LFSR_BITS) {
    state = lfsrNext(state);
    steps++;
  }
  return steps;
}

/**
 * SeedLM's U(s) ∈ R^{C×P}: the C·P states after seed s, row-major, mapped from [1, 2^16 − 1] to
 * (−1, 1) by (v − 2^15) / 2^15 — zero-mean, as the paper normalises V(s).
 */
export function seedMatrix(seed: number, rows: number, cols: number): Float64Array {
  const states = lfsrStates(seed, rows * cols);
  const half = 2 ** (LFSR_BITS - 1);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = ((states[i] as number) - half) / half;
  return out;
}
