// Builds notebooks/<name>.ipynb from each example script, so the notebooks never drift from the tested
// scripts: the header comment becomes a markdown cell, every `// %%` line starts a new code cell, and a
// setup cell for the tslab kernel goes first. `node notebooks/build.mjs --check` fails if a committed
// notebook differs from what this script makes.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLES_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const NOTEBOOKS_DIR = path.join(EXAMPLES_DIR, 'notebooks');

// tslab compiles every cell to CommonJS, and the @agent-forge packages export ES modules to `import`
// only; Node >= 20.19 can require() an ES module by its file path, so these requests go to dist/index.js.
const SETUP_CELL = `// Setup for the tslab kernel (not in the script): tslab runs cells as CommonJS, and the @agent-forge
// packages export ES modules to \`import\` only. Node >= 20.19 can require() an ES module by its file
// path, so a request for '@agent-forge/<pkg>' is pointed at that package's dist/index.js.
import Module from 'node:module';
import nodePath from 'node:path';
function loadAgentForgeByPath() {
  const resolve = (Module as any)._resolveFilename;
  (Module as any)._resolveFilename = function (request: string, parent: unknown, ...rest: unknown[]) {
    if (!/^@agent-forge\\/[^/]+$/.test(request)) return resolve.call(this, request, parent, ...rest);
    const manifest = resolve.call(this, \`\${request}/package.json\`, parent, ...rest);
    return nodePath.join(nodePath.dirname(manifest), 'dist/index.js');
  };
}
loadAgentForgeByPath();`;

/** The example scripts, in table order: 01-cognate … 08-compression, then pipeline. */
export async function exampleScripts() {
  const names = (await readdir(EXAMPLES_DIR)).filter((name) => /^(\d\d-[a-z-]+|pipeline)\.mjs$/.test(name));
  return names.sort();
}

const lines = (text) =>
  text
    .replace(/\n+$/, '')
    .split('\n')
    .map((line, i, all) => (i < all.length - 1 ? `${line}\n` : line));

/** Splits a script at its `// %%` lines; the first chunk (the header comment) becomes markdown. */
export function notebookOf(script, name) {
  const [header, ...chunks] = script.split(/^\/\/ %%\n/m);
  const markdown = header
    .trim()
    .split('\n')
    .map((line) => line.replace(/^\/\/ ?/, ''))
    .join('\n');
  const cells = [
    { cell_type: 'markdown', metadata: {}, source: lines(`# ${name}\n\n${markdown}`) },
    ...[SETUP_CELL, ...chunks].map((code) => ({
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source: lines(code.trim()),
    })),
  ].map((cell, i) => ({ id: `cell-${i}`, ...cell })); // nbformat 4.5 wants an id on every cell
  const metadata = {
    kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
    language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
  };
  return `${JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
}

/** Every notebook as build.mjs makes it: [file name, contents]. */
export async function buildNotebooks() {
  const out = [];
  for (const script of await exampleScripts()) {
    const name = script.replace(/\.mjs$/, '');
    out.push([`${name}.ipynb`, notebookOf(await readFile(path.join(EXAMPLES_DIR, script), 'utf8'), name)]);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, contents] of await buildNotebooks()) {
    const target = path.join(NOTEBOOKS_DIR, file);
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current === contents) continue;
    if (check) {
      console.error(`${file} differs from its script: run node examples/notebooks/build.mjs`);
      stale += 1;
    } else {
      await writeFile(target, contents);
      console.log(`wrote ${path.relative(process.cwd(), target)}`);
    }
  }
  process.exitCode = stale > 0 ? 1 : 0;
}
