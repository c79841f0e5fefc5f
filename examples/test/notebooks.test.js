import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { NOTEBOOKS_DIR, buildNotebooks } from '../notebooks/build.mjs';

// The notebooks are not executed here: in the tslab kernel the cells stop on TypeScript errors that
// plain Node never sees (see examples/README.md), so the scripts are the tested form.
const notebooks = await buildNotebooks();

describe('notebooks', () => {
  test('every committed notebook is what build.mjs makes from its script', () => {
    for (const [file, contents] of notebooks) {
      expect(readFileSync(path.join(NOTEBOOKS_DIR, file), 'utf8'), `${file} is stale: run node examples/notebooks/build.mjs`).toBe(contents);
    }
  });
});
