import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ForgeError } from '../errors.js';
import { replaceDirectory } from '../io/atomic-dir.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { WeightMap } from '../tensors/dtype.js';
import { encodeSafetensors } from '../tensors/safetensors-write.js';
import { CHECKPOINT_FILES } from './layout.js';

/** The files of one checkpoint directory, as `saveCheckpoint` writes them. */
export interface CheckpointContents {
  /** Written to config.json; must be JSON-serialisable. */
  readonly config: unknown;
  /** Written to model.safetensors. */
  readonly weights: WeightMap;
  /** Written to tokenizer.json when given; the file is left out otherwise. */
  readonly tokenizer?: unknown;
  /** Written to result.json when given; the file is left out otherwise. */
  readonly result?: unknown;
  /** The safetensors `__metadata__` of model.safetensors. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Writes further files into the directory being built (e.g. a model extension's own files), inside the same atomic save. */
  readonly writeExtraFiles?: (dir: string) => Promise<void>;
}

/**
 * Save a checkpoint to the directory `dir`, replacing any checkpoint already there.
 * The whole directory is built and fsynced in a hidden sibling, then swapped in with renames
 * (`replaceDirectory`: old aside, new in, old removed), so after a crash `dir` holds either the
 * old checkpoint or the new one, never a mix. If the crash falls between the two renames `dir` is
 * briefly absent and the old checkpoint survives in its `.retired-` sibling (`loadCheckpoint` says
 * where). Siblings left by crashed saves are removed by the next successful save. Two saves to the
 * same `dir` at once are not supported.
 */
export async function saveCheckpoint(dir: string, contents: CheckpointContents): Promise<void> {
  const target = path.resolve(dir);
  await assertReplaceable(target);
  await replaceDirectory(target, (staging) => writeCheckpointFiles(staging, contents));
}

async function writeCheckpointFiles(dir: string, contents: CheckpointContents): Promise<void> {
  await writeJsonFile(path.join(dir, CHECKPOINT_FILES.config), contents.config);
  await writeFileAtomic(path.join(dir, CHECKPOINT_FILES.weights), encodeWeights(contents));
  if (contents.tokenizer !== undefined)
    await writeJsonFile(path.join(dir, CHECKPOINT_FILES.tokenizer), contents.tokenizer);
  if (contents.result !== undefined) await writeJsonFile(path.join(dir, CHECKPOINT_FILES.result), contents.result);
  await contents.writeExtraFiles?.(dir);
}

/** Errors name the file by its place in the checkpoint, not by the hidden staging path. */
function encodeWeights(contents: CheckpointContents): Uint8Array {
  try {
    return encodeSafetensors(contents.weights, contents.metadata === undefined ? {} : { metadata: contents.metadata });
  } catch (error) {
    if (error instanceof ForgeError)
      throw new ForgeError(error.message, { file: CHECKPOINT_FILES.weights, cause: error });
    throw error;
  }
}

/** Same format as `writeJsonAtomic`, but a value JSON cannot hold is a ForgeError naming the file, not `undefined` on disk. */
async function writeJsonFile(file: string, value: unknown): Promise<void> {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, 2);
  } catch (error) {
    throw new ForgeError(`cannot be written as JSON: ${(error as Error).message}`, {
      file: path.basename(file),
      cause: error,
    });
  }
  if (text === undefined)
    throw new ForgeError(`cannot be written as JSON: got ${typeof value}`, { file: path.basename(file) });
  await writeFileAtomic(file, `${text}\n`);
}

/**
 * Refuse to replace something that is not a checkpoint: the swap deletes what was at `dir`, and a
 * mistyped path must not cost someone a directory of their own files.
 */
async function assertReplaceable(target: string): Promise<void> {
  const info = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (info === undefined) return;
  if (!info.isDirectory())
    throw new ForgeError('cannot save a checkpoint here: the path exists and is not a directory', { file: target });
  const names = await readdir(target);
  const known = new Set<string>(Object.values(CHECKPOINT_FILES));
  if (names.length > 0 && !names.some((name) => known.has(name))) {
    throw new ForgeError(
      `refusing to replace a directory that is not a checkpoint (it has no ${[...known].join(' / ')})`,
      { file: target },
    );
  }
}
