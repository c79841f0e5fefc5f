// Executes every notebook in the tslab kernel through `jupyter nbconvert --execute` and applies the
// same checks to the figures the notebook printed as examples.test.js applies to the script's output.
// Needs Debian's jupyter-nbconvert (`apt-get install jupyter-nbconvert python3-ipykernel jupyter-client`,
// which .ci/run installs); without it the test fails in CI (process.env.CI) and is skipped elsewhere.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NOTEBOOKS_DIR, exampleScripts } from '../notebooks/build.mjs';
import { NBCONVERT, TSLAB, notebooksUnavailable } from './notebook-kernel.js';
import { CHECKS } from './run-example.js';

// Longest first (pipeline), so that the two lanes finish close together.
const scripts = (await exampleScripts()).sort((a, b) => (b === 'pipeline.mjs') - (a === 'pipeline.mjs'));
const unavailable = notebooksUnavailable();

/** Runs nbconvert on one notebook; resolves with its exit code, its log and the executed notebook. */
function execute(jupyterDir, name) {
  const outDir = path.join(jupyterDir, 'out');
  const args = [
    // --allow-errors: a failing cell still leaves the executed notebook, whose stderr output says why.
    '--to',
    'notebook',
    '--execute',
    '--allow-errors',
    '--ExecutePreprocessor.kernel_name=tslab',
    '--ExecutePreprocessor.timeout=600',
    '--output-dir',
    outDir,
    '--output',
    name,
    path.join(NOTEBOOKS_DIR, `${name}.ipynb`),
  ];
  const env = {
    ...process.env,
    JUPYTER_PATH: jupyterDir, // the tslab kernelspec
    JUPYTER_CONFIG_DIR: path.join(jupyterDir, 'config'), // no user configuration
    JUPYTER_RUNTIME_DIR: path.join(jupyterDir, 'runtime'), // connection files
  };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(NBCONVERT, args, { cwd: NOTEBOOKS_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    child.on('error', reject);
    child.on('close', async (code) => {
      const seconds = (performance.now() - started) / 1000;
      const notebook = await readFile(path.join(outDir, `${name}.ipynb`), 'utf8').then(JSON.parse, () => undefined);
      resolve({ code, log, notebook, seconds });
    });
  });
}

/** All outputs of the executed notebook's code cells. */
const outputsOf = (notebook) => notebook.cells.flatMap((cell) => cell.outputs ?? []);
const textOf = (output) => (Array.isArray(output.text) ? output.text.join('') : (output.text ?? ''));

describe.skipIf(unavailable && !process.env.CI)('notebooks in the tslab kernel', () => {
  let jupyterDir;

  beforeAll(async () => {
    if (unavailable) return;
    jupyterDir = await mkdtemp(path.join(os.tmpdir(), 'forge-notebooks-'));
    await mkdir(path.join(jupyterDir, 'kernels', 'tslab'), { recursive: true });
    const kernel = {
      argv: [TSLAB, 'kernel', '--config-path', '{connection_file}'],
      display_name: 'TypeScript',
      language: 'typescript',
    };
    await writeFile(path.join(jupyterDir, 'kernels', 'tslab', 'kernel.json'), JSON.stringify(kernel));
  });
  afterAll(async () => {
    if (jupyterDir) await rm(jupyterDir, { recursive: true, force: true });
  });

  test('jupyter nbconvert and the tslab kernel are available', () => {
    expect(unavailable, unavailable).toBeUndefined();
  });

  // Two at a time (maxConcurrency in vitest.config.js), as the scripts: each kernel is a tfjs program.
  test.skipIf(unavailable).concurrent.for(scripts)('%s executes and prints its figures', async (script, { expect }) => {
    const name = script.replace(/\.mjs$/, '');
    const { code, log, notebook, seconds } = await execute(jupyterDir, name);
    console.log(`${name}.ipynb: ${seconds.toFixed(1)} s`);
    expect(code, `nbconvert failed on ${name}.ipynb:\n${log}`).toBe(0);
    expect(notebook, `nbconvert wrote no ${name}.ipynb:\n${log}`).toBeDefined();
    // tslab writes a cell's type errors and exceptions to stderr (and nothing else when it fails); a clean
    // run writes nothing there.
    const outputs = outputsOf(notebook);
    const failures = outputs.filter(
      (o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'),
    );
    expect(
      failures.map((o) => (o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : textOf(o))),
      `${name}.ipynb`,
    ).toEqual([]);
    const stdout = outputs
      .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
      .map(textOf)
      .join('');
    CHECKS[script](stdout, expect);
  });
});

if (unavailable && !process.env.CI) {
  console.warn(`notebooks-execute.test.js skipped: ${unavailable}`);
}
