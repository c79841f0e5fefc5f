import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Variable } from '../backend/tf.js';

/** Parameters of a model: the element count of every weight. */
export function parameterCount(model: { namedWeights(): Map<string, Variable> }): number {
  let total = 0;
  for (const weight of model.namedWeights().values()) total += weight.size;
  return total;
}

/** Bytes a file or directory takes on disk (file sizes, summed recursively). */
export async function bytesOnDisk(target: string): Promise<number> {
  const info = await stat(target);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(target)) total += await bytesOnDisk(path.join(target, name));
  return total;
}

/**
 * Milliseconds per generated token over a timed generation. A measurement for benchmarks and
 * reports, never for a test assertion: it depends on the machine and its load.
 */
export async function msPerToken(run: () => Promise<{ tokens: readonly number[] }>): Promise<{
  /** Wall-clock milliseconds of the whole run divided by the tokens it generated; NaN when it generated none. */
  msPerToken: number;
  /** Number of tokens the run generated. */
  tokens: number;
}> {
  const started = performance.now();
  const { tokens } = await run();
  const elapsed = performance.now() - started;
  return { msPerToken: tokens.length ? elapsed / tokens.length : Number.NaN, tokens: tokens.length };
}
