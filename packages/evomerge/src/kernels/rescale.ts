/**
 * How dropped-out task vectors are scaled back up. DARE and DELLA papers divide each kept entry by
 * its keep probability (`inverse`), which keeps every entry's expected value. mergekit instead
 * scales the whole masked tensor so its L1 norm equals the original's (`l1`): deterministic per
 * tensor, the same in expectation, but not the papers' formula. Both are offered; `inverse` is the
 * default here.
 */
export type RescaleMode = 'inverse' | 'l1' | 'none';

/** The accepted values of the `rescale` parameter (DARE, DELLA, TIES…), in the order error messages list them. */
export const RESCALE_MODES: readonly RescaleMode[] = ['inverse', 'l1', 'none'];

/** Below this an L1 norm counts as zero (mergekit's eps), and the masked tensor is left unscaled. */
const L1_EPSILON = 1e-7;

export function l1Norm(values: Float32Array): number {
  let sum = 0;
  for (const value of values) sum += Math.abs(value);
  return sum;
}

/** Scale `masked` in place so its L1 norm is `originalL1`. */
export function rescaleToL1(masked: Float32Array, originalL1: number): void {
  const maskedL1 = l1Norm(masked);
  if (originalL1 < L1_EPSILON || maskedL1 < L1_EPSILON) return;
  const factor = originalL1 / maskedL1;
  for (let i = 0; i < masked.length; i++) masked[i] = (masked[i] as number) * factor;
}
