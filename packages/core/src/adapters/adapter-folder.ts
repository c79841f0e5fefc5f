/**
 * The `adapters/` folder of a model directory: the baking phase writes one file per persona there, and
 * every later phase that writes a model of its own (edge's deployable, compression's output) carries it
 * along, so the final model can still switch persona.
 */
import { cp, stat } from 'node:fs/promises';
import path from 'node:path';

/** Folder of the adapters inside a checkpoint directory (the baking phase writes one file per persona there). */
export const ADAPTERS_DIR = 'adapters';

/** True when `dir` has an `adapters/` folder, i.e. is a baked model (load it with `loadModelWithAdapters`). */
export async function hasAdapters(dir: string): Promise<boolean> {
  try {
    return (await stat(path.join(dir, ADAPTERS_DIR))).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Copies `source/adapters/` as it is into `target` (a directory being written, e.g. a staging one);
 * returns false, copying nothing, when `source` has no adapters.
 */
export async function copyAdapters(source: string, target: string): Promise<boolean> {
  if (!(await hasAdapters(source))) return false;
  await cp(path.join(source, ADAPTERS_DIR), path.join(target, ADAPTERS_DIR), { recursive: true });
  return true;
}

/**
 * The persona a baked model is measured with wherever a figure is reported for it (phase reports, the
 * after-run effects): the first of its personas in sorted order (`calculator` for baking's defaults),
 * so every report of a baked model, compressed or not, scores the same adapter. Null: no personas.
 */
export function measurementPersona(personas: readonly string[]): string | null {
  return [...personas].sort()[0] ?? null;
}
