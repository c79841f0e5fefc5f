/** Held-out quality (core's `evaluateQuality`) and the cheap loss-only figure for the curves. */
import { perplexity } from '@agent-forge/core';
import type { HeldOut, TinyTitan } from '@agent-forge/core';

export { evaluateQuality, type HeldOut, type Quality } from '@agent-forge/core';

/** Held-out loss only (cheap, for the curves). */
export function heldOutLoss(model: TinyTitan, heldOut: HeldOut): number {
  return perplexity(model, heldOut.windows).loss;
}
