/**
 * The window of base positions that get thoughts (`thoughtPositions`): which positions, the tokens they
 * read and the causal-mask rows they attend with. Shared by the objective and the direct continuation,
 * so a batch, its controls and its anti-theater comparison all cover the same positions.
 */
import { ForgeError, causalMask, tf } from '@agent-forge/core';
import type { Rng } from '@agent-forge/core';

/** The base positions that get thoughts: `first … first + length − 1`. */
export interface ThoughtWindow {
  /** First base position with a thought. */
  readonly first: number;
  /** Consecutive positions with a thought. */
  readonly length: number;
}

/**
 * Which of the `length` base positions get thoughts: all of them, or a window of `positions` starting at
 * `forced` or at a start drawn from `rng` (no draw when the window covers everything, so the default
 * consumes the stream exactly as before the option existed).
 */
export function thoughtWindow(
  length: number,
  positions: number | undefined,
  rng: Rng,
  forced: number | undefined,
): ThoughtWindow {
  const size = Math.min(positions ?? length, length);
  const last = length - size;
  if (forced !== undefined && (!Number.isInteger(forced) || forced < 0 || forced > last)) {
    throw new ForgeError(
      `firstPosition must be an integer in [0, ${last}] for ${size} thought positions of ${length}, got ${forced}`,
      { field: 'firstPosition' },
    );
  }
  return { first: forced ?? (size === length ? 0 : rng.int(0, last)), length: size };
}

/** Each row's tokens from the window's first position to one past its last (`[B, S + 1]`, row-major). */
export function windowHost(host: Int32Array, batch: number, cols: number, window: ThoughtWindow): Int32Array {
  if (window.length === cols - 1) return host;
  const out = new Int32Array(batch * (window.length + 1));
  for (let b = 0; b < batch; b++)
    out.set(
      host.subarray(b * cols + window.first, b * cols + window.first + window.length + 1),
      b * (window.length + 1),
    );
  return out;
}

/** `[S, T]`: the causal mask's rows of the window's positions (null when there is one base position). */
export function windowMask(length: number, window: ThoughtWindow): tf.Tensor2D | null {
  if (length <= 1) return null;
  const full = causalMask(length, 0);
  if (window.length === length) return full;
  const rows = tf.slice(full, [window.first, 0], [window.length, length]);
  full.dispose();
  return rows;
}
