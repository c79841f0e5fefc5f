/**
 * File-system failures a user can act on (a full disk, a read-only or foreign directory) become a
 * ForgeError naming the file and the cause in words, instead of a bare `ENOSPC` from deep inside a
 * save. Anything else is passed through unchanged.
 */
import { ForgeError } from '../errors.js';

const EXPLANATIONS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full: free some space and resume the run',
  EDQUOT: 'the disk quota is exhausted: free some space and resume the run',
  EROFS: 'the file system is read-only: choose a writable runs directory (--runs-dir)',
  EACCES: 'permission denied: choose a directory you can write to (--runs-dir)',
  EPERM: 'operation not permitted: choose a directory you can write to (--runs-dir)',
};

/** A ForgeError for the failures listed above, else `error` itself. */
export function explainFsError(error: unknown, file: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const explanation = code === undefined ? undefined : EXPLANATIONS[code];
  if (explanation === undefined || error instanceof ForgeError) return error;
  return new ForgeError(`cannot write: ${explanation} (${code})`, { file, cause: error });
}

/** Runs `write`, turning an actionable file-system failure into a ForgeError naming `file`. */
export async function withFsErrors<T>(file: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw explainFsError(error, file);
  }
}
