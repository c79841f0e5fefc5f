import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { EXAMPLES_DIR, exampleScripts } from '../notebooks/build.mjs';
import { notebooksUnavailable } from './notebook-kernel.js';
import { CHECKS, runExample } from './run-example.js';

const scripts = await exampleScripts();

// pipeline.mjs, the longest example (about a minute), runs in one lane: as its notebook in
// notebooks-execute.test.js, which applies the same CHECKS to the same code (notebooks.test.js: the
// notebook is made from the script) and is the stricter run: tslab also type-checks every cell and
// rewrites each cross-cell reference. What only `node` would catch is what an ES module under node does
// differently from tslab's CommonJS cells: a CommonJS global (require, __dirname, …) or an import node
// resolves otherwise; the test below rules both out for it. Where the notebooks cannot be executed (no
// jupyter-nbconvert outside CI, where that test is skipped) it runs here under node instead.
const NOTEBOOK_ONLY = notebooksUnavailable() ? [] : ['pipeline.mjs'];
const nodeScripts = scripts.filter((script) => !NOTEBOOK_ONLY.includes(script));

const sourceOf = (script) => readFileSync(path.join(EXAMPLES_DIR, script), 'utf8').replace(/^\s*\/\/.*$/gm, '');
/** The module specifiers a script imports (static and dynamic). */
const importsOf = (source) => [...source.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

describe('examples', () => {
  test('every example script has checks on its figures', () => {
    expect(scripts.sort()).toEqual(Object.keys(CHECKS).sort());
  });

  test.for(NOTEBOOK_ONLY)('%s, run as its notebook only, uses nothing that differs under node', (script) => {
    const source = sourceOf(script);
    expect(source.match(/\b(?:require|__dirname|__filename|exports)\b|\bmodule\./g), script).toBeNull();
    const importedUnderNode = new Set(nodeScripts.flatMap((other) => importsOf(sourceOf(other))));
    const imports = importsOf(source);
    expect(imports.length, script).toBeGreaterThan(0);
    expect(
      imports.filter((specifier) => !specifier.startsWith('node:') && !importedUnderNode.has(specifier)),
      `${script} imports a module that no script run under node imports`,
    ).toEqual([]);
  });

  // Two at a time (maxConcurrency in vitest.config.js): each is a whole tfjs program.
  test.concurrent.for(nodeScripts)('%s exits 0 and prints its figures', async (script, { expect }) => {
    const { code, stdout, stderr, seconds } = await runExample(script);
    console.log(`${script}: ${seconds.toFixed(1)} s`);
    expect(code, `${script} failed:\n${stderr}\n${stdout}`).toBe(0);
    CHECKS[script](stdout, expect);
  });
});
