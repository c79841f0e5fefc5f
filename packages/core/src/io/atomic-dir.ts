import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { faultPoint } from './fault.js';
import { withFsErrors } from './fs-errors.js';

/**
 * Replace the directory `target` as a whole: `fill` writes the new content into a hidden sibling
 * (`.<name>.staging-<pid>-<hex>`), which is fsynced and swapped in with renames (old aside as
 * `.<name>.retired-…`, new in, old removed). After a crash `target` holds the old content or the
 * new, never a mix; siblings left by crashed processes are removed by the next replace.
 * Two replaces of the same `target` at once are not supported.
 */
export async function replaceDirectory(target: string, fill: (staging: string) => Promise<void>): Promise<void> {
  await withFsErrors(target, () => replaceDirectoryUnchecked(target, fill));
}

async function replaceDirectoryUnchecked(target: string, fill: (staging: string) => Promise<void>): Promise<void> {
  const resolved = path.resolve(target);
  await mkdir(path.dirname(resolved), { recursive: true });
  const staging = siblingPath(resolved, 'staging');
  try {
    await mkdir(staging);
    await fill(staging);
    await syncDirectory(staging);
    await swapIntoPlace(staging, resolved);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await removeStaleSiblings(resolved);
}

export type SiblingKind = 'staging' | 'retired';

export function siblingPath(dir: string, kind: SiblingKind): string {
  return path.join(
    path.dirname(dir),
    `.${path.basename(dir)}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

/** Siblings of `dir` of the given kind, with the pid of the process that made each. */
export async function listSiblings(dir: string, kind: SiblingKind): Promise<{ path: string; pid: number }[]> {
  // Match the exact name: a prefix match would take `a.staging-1`'s own staging folder for `a`'s.
  const escaped = path.basename(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\.${escaped}\\.${kind}-(\\d+)-[0-9a-f]{8}$`);
  let names: string[];
  try {
    names = await readdir(path.dirname(dir));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const match = pattern.exec(name);
    return match ? [{ path: path.join(path.dirname(dir), name), pid: Number(match[1]) }] : [];
  });
}

/**
 * Remove siblings left by replaces that crashed. A sibling whose process is still alive may belong
 * to a replace in progress, so it is left alone.
 */
export async function removeStaleSiblings(dir: string): Promise<void> {
  const siblings = [...(await listSiblings(dir, 'staging')), ...(await listSiblings(dir, 'retired'))];
  for (const sibling of siblings) {
    if (sibling.pid !== process.pid && !isProcessAlive(sibling.pid)) {
      await rm(sibling.path, { recursive: true, force: true });
    }
  }
}

/**
 * After a crash between the two renames of a replace, `dir` is absent and its previous content
 * sits in a retired sibling: put it back. Returns true when it did. Called before reading a
 * directory that `replaceDirectory` writes (checkpoints, training state), so a resume continues
 * from the last complete save instead of starting over.
 */
export async function recoverInterruptedReplace(dir: string): Promise<boolean> {
  const resolved = path.resolve(dir);
  const exists = await stat(resolved).then(
    () => true,
    () => false,
  );
  if (exists) return false;
  const retired = (await listSiblings(resolved, 'retired')).filter(
    (sibling) => !isProcessAlive(sibling.pid) || sibling.pid === process.pid,
  );
  const newest = retired.at(-1);
  if (newest === undefined) return false;
  await rename(newest.path, resolved);
  return true;
}

function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function swapIntoPlace(staging: string, target: string): Promise<void> {
  const retired = siblingPath(target, 'retired');
  const hadPrevious = await rename(target, retired).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  faultPoint('checkpoint-swap');
  try {
    await rename(staging, target);
  } catch (error) {
    if (hadPrevious) await rename(retired, target);
    throw error;
  }
  await syncDirectory(path.dirname(target));
  if (hadPrevious) await rm(retired, { recursive: true, force: true });
}

/** Make renames and new entries durable; not every platform can fsync a directory, so failure is ignored. */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort (e.g. Windows cannot open a directory for fsync).
  }
}
