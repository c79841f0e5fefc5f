// Every product package's README opens (after its title and one paragraph) with a usage example that
// runs. The first fenced block of each README is written under .readme-examples/ (gitignored), where a
// node_modules/@agent-forge/* of links to the workspace packages lets its imports resolve, and run with
// node: it must exit 0 and print a figure, and it must fit in 10 lines (11 or 12 where the README says
// "This example needs N lines"). The CLI's block is shell: `forge` there runs apps/cli/dist/bin.js.
// Examples run two at a time, all started in beforeAll; each test then checks one of them.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const workDir = path.resolve(import.meta.dirname, '../.readme-examples');
const cliBin = path.join(repoRoot, 'apps/cli/dist/bin.js');
const LINE_LIMIT = 10;
const STATED_LIMIT_MAX = 12;
const PARALLEL_RUNS = 2;

const products = ['packages', 'apps'].flatMap((group) =>
  readdirSync(path.join(repoRoot, group))
    .map((name) => path.join(repoRoot, group, name))
    .filter((dir) => existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'README.md')))
    .map((dir) => ({
      dir,
      name: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name,
      isCli: group === 'apps',
    })),
);

/** The README split around its first fenced block. */
function firstCodeBlock(readme) {
  const match = /^```([\w-]*)\n([\s\S]*?)^```[ \t]*$/m.exec(readme);
  if (!match) return null;
  return { language: match[1], code: match[2], before: readme.slice(0, match.index) };
}

/** Lines that count: everything but blank lines. */
function codeLines(code) {
  return code.split('\n').filter((line) => line.trim() !== '').length;
}

/** 10, or the 11–12 a README states with "This example needs N lines". */
function lineLimit(readme) {
  const stated = /this example needs (\d+) lines/i.exec(readme);
  return stated ? Math.min(Number(stated[1]), STATED_LIMIT_MAX) : LINE_LIMIT;
}

/** Prose paragraphs between the title and the first block (headings are counted separately). */
function openingShape(before) {
  const blocks = before
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean);
  const [title, ...rest] = blocks;
  return {
    title,
    headings: rest.filter((block) => block.startsWith('#')).length,
    paragraphs: rest.filter((block) => !block.startsWith('#')).length,
  };
}

/** The CLI block as a bash script: each `forge` command runs the built CLI. */
function cliScript(code, bin) {
  const commands = code.replace(/(^|[\s;&|(])forge(?=\s)/gm, `$1node ${JSON.stringify(bin)}`);
  return `set -euo pipefail\n${commands}`;
}

function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function linkWorkspacePackages() {
  mkdirSync(path.join(workDir, 'node_modules', '@agent-forge'), { recursive: true });
  for (const { dir, name } of products) symlinkSync(dir, path.join(workDir, 'node_modules', name), 'dir');
}

function writeExample(product, block) {
  const dir = path.join(workDir, path.basename(product.dir));
  mkdirSync(dir, { recursive: true });
  if (product.isCli) {
    writeFileSync(path.join(dir, 'example.sh'), cliScript(block.code, cliBin));
    return { dir, command: 'bash', args: ['example.sh'] };
  }
  writeFileSync(path.join(dir, 'example.mjs'), block.code);
  return { dir, command: process.execPath, args: ['example.mjs'] };
}

async function runAll(jobs) {
  const results = new Map();
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift())
      results.set(job.name, await run(job.command, job.args, job.dir));
  };
  await Promise.all(Array.from({ length: PARALLEL_RUNS }, worker));
  return results;
}

const readmes = new Map(
  products.map((product) => [product.name, readFileSync(path.join(product.dir, 'README.md'), 'utf8')]),
);
let outcomes = new Map();

beforeAll(async () => {
  rmSync(workDir, { recursive: true, force: true });
  linkWorkspacePackages();
  const jobs = products.flatMap((product) => {
    const block = firstCodeBlock(readmes.get(product.name));
    return block ? [{ name: product.name, ...writeExample(product, block) }] : [];
  });
  outcomes = await runAll(jobs);
});

describe('README usage examples', () => {
  it('finds a README for every product package', () => {
    const packageDirs = ['packages', 'apps'].flatMap((group) =>
      readdirSync(path.join(repoRoot, group)).filter((name) =>
        existsSync(path.join(repoRoot, group, name, 'package.json')),
      ),
    );
    expect(packageDirs.length).toBeGreaterThanOrEqual(12);
    expect(products).toHaveLength(packageDirs.length);
  });

  for (const product of products) {
    describe(product.name, () => {
      const readme = readmes.get(product.name);
      const block = firstCodeBlock(readme);

      it('opens with the title, one paragraph, then the example', () => {
        expect(block, 'no code block').not.toBeNull();
        expect(product.isCli ? ['sh', 'bash'] : ['js', 'mjs', 'ts']).toContain(block.language);
        const shape = openingShape(block.before);
        expect(shape.title).toBe(`# ${product.name}`);
        expect(shape.headings, 'a heading comes before the example').toBe(0);
        expect(shape.paragraphs, 'paragraphs between the title and the example').toBe(1);
      });

      it(`the example fits in ${LINE_LIMIT} lines (or the 11–12 its README states)`, () => {
        expect(codeLines(block.code)).toBeLessThanOrEqual(lineLimit(readme));
      });

      it('the example runs, exits 0 and prints a figure', () => {
        const outcome = outcomes.get(product.name);
        const report = `${product.name} example:\n${outcome?.stdout}\n${outcome?.stderr}`;
        expect(outcome?.code, report).toBe(0);
        expect(outcome.stdout, report).toMatch(/\d/);
      });
    });
  }
});

describe('the README example helpers', () => {
  it('take the first fenced block and count its non-blank lines', () => {
    const block = firstCodeBlock('# t\n\nintro\n\n```js\nconst a = 1;\n\nconsole.log(a);\n```\n\n```ts\nlater\n```\n');
    expect(block).toMatchObject({
      language: 'js',
      code: 'const a = 1;\n\nconsole.log(a);\n',
      before: '# t\n\nintro\n\n',
    });
    expect(codeLines(block.code)).toBe(2);
    expect(firstCodeBlock('# no code\n')).toBeNull();
  });

  it('allow 11 or 12 lines only where the README says so, never more than 12', () => {
    expect(lineLimit('plain')).toBe(10);
    expect(lineLimit('This example needs 11 lines.')).toBe(11);
    expect(lineLimit('This example needs 20 lines.')).toBe(12);
  });

  it('run `forge` as the built CLI, also after an environment assignment', () => {
    const script = cliScript('forge info\nFORGE_BACKEND=cpu forge info --json\nforge-train stays\n', '/x/bin.js');
    expect(script).toBe(
      'set -euo pipefail\nnode "/x/bin.js" info\nFORGE_BACKEND=cpu node "/x/bin.js" info --json\nforge-train stays\n',
    );
  });
});
