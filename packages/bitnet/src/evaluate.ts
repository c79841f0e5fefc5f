/** Held-out quality (core's `evaluateQuality`) and the degradation figures bitnet reports. */
export { evaluateQuality, type HeldOut, type Quality } from '@agent-forge/core';

/** Relative increase of perplexity in percent (positive = worse). */
export function perplexityDegradationPct(before: number, after: number): number {
  return ((after - before) / before) * 100;
}

/** Relative drop of accuracy in percent (positive = worse); undefined when the baseline is 0. */
export function accuracyDegradationPct(before: number, after: number): number | undefined {
  return before > 0 ? ((before - after) / before) * 100 : undefined;
}
