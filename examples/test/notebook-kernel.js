// Whether the notebooks can be executed here: Debian's jupyter-nbconvert and the tslab kernel from the lockfile.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLES_DIR } from '../notebooks/build.mjs';

export const NBCONVERT = 'jupyter-nbconvert';
export const TSLAB = path.join(EXAMPLES_DIR, 'node_modules', '.bin', 'tslab');

/** Why the notebooks cannot be executed here, or undefined when they can. */
export function notebooksUnavailable() {
  const probe = spawnSync(NBCONVERT, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return `${NBCONVERT} is not installed (apt-get install jupyter-nbconvert python3-ipykernel jupyter-client)`;
  }
  if (!existsSync(TSLAB)) return `${TSLAB} is missing (pnpm install)`;
  return undefined;
}
