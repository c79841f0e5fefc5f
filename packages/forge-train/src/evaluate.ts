/** Held-out quality (core's `evaluateQuality`) and the cheap loss-only figure for the curves and the hand-on choice. */
import { perplexity } from '@agent-forge/core';
import type { TinyTitan, TokenWindows } from '@agent-forge/core';

export { evaluateQuality, type HeldOut, type Quality } from '@agent-forge/core';

/** Mean next-token loss over every target of `windows` only (cheap: no answers decoded). */
export function windowsLoss(model: TinyTitan, windows: TokenWindows): number {
  return perplexity(model, windows).loss;
}
