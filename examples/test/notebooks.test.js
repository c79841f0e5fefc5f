import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { NOTEBOOKS_DIR, buildNotebooks } from '../notebooks/build.mjs';

// The notebooks are executed in the tslab kernel by notebooks-execute.test.js; this checks that they are
// what build.mjs makes from the scripts.
const notebooks = await buildNotebooks();

describe('notebooks', () => {
  test('every committed notebook is what build.mjs makes from its script', () => {
    for (const [file, contents] of notebooks) {
      expect(
        readFileSync(path.join(NOTEBOOKS_DIR, file), 'utf8'),
        `${file} is stale: run node examples/notebooks/build.mjs`,
      ).toBe(contents);
    }
  });
});
