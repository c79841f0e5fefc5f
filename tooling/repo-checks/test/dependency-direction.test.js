import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED_PHASE_IMPORTS, PHASES, forbiddenImports } from '@agent-forge/eslint-config';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const productDirs = ['packages', 'apps'].flatMap((group) =>
  readdirSync(path.join(repoRoot, group))
    .map((name) => path.join(repoRoot, group, name))
    .filter((dir) => existsSync(path.join(dir, 'package.json'))),
);
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|js|mjs)$/.test(name) ? [full] : [];
  });
}

function importedForgePackages(file) {
  const text = readFileSync(file, 'utf8');
  const found = new Set();
  for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](@agent-forge\/[a-z-]+)/g))
    found.add(match[1]);
  return [...found];
}

describe('dependency direction: cli → phases → core', () => {
  it('finds all twelve product packages', () => {
    expect(productDirs.map((d) => readJson(path.join(d, 'package.json')).name).sort()).toHaveLength(12);
  });

  for (const dir of productDirs.filter((d) => path.basename(path.dirname(d)) === 'packages')) {
    const pkg = readJson(path.join(dir, 'package.json'));
    // What `npm i <package>` installs: a phase pulls core alone, core only the native kernels below it.
    it(`${pkg.name} lists no other @agent-forge package in dependencies, peer or optional dependencies (core: native-kernels only)`, () => {
      const allowed = pkg.name === '@agent-forge/core' ? ['@agent-forge/native-kernels'] : ['@agent-forge/core'];
      const installed = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
      const offenders = installed.filter((name) => name.startsWith('@agent-forge/') && !allowed.includes(name));
      expect(offenders).toEqual([]);
    });
  }

  for (const dir of productDirs) {
    const pkg = readJson(path.join(dir, 'package.json'));
    it(`${pkg.name} declares no forbidden @agent-forge dependency`, () => {
      const forbidden = new Set(forbiddenImports(pkg.name));
      const declared = Object.keys({
        ...pkg.dependencies,
        ...pkg.devDependencies,
        ...pkg.peerDependencies,
        ...pkg.optionalDependencies,
      });
      expect(declared.filter((name) => forbidden.has(name))).toEqual([]);
    });
    it(`${pkg.name} imports no forbidden @agent-forge package in src/ or test/`, () => {
      const forbidden = new Set(forbiddenImports(pkg.name));
      const offenders = [...sourceFiles(path.join(dir, 'src')), ...sourceFiles(path.join(dir, 'test'))].flatMap(
        (file) =>
          importedForgePackages(file)
            .filter((name) => forbidden.has(name))
            .map((name) => `${path.relative(repoRoot, file)} → ${name}`),
      );
      expect(offenders).toEqual([]);
    });
  }

  it('the rule itself forbids every phase → phase import, with no exceptions', () => {
    expect(ALLOWED_PHASE_IMPORTS).toEqual({});
    for (const phase of PHASES) {
      const others = PHASES.filter((other) => other !== phase).map((other) => `@agent-forge/${other}`);
      expect(forbiddenImports(`@agent-forge/${phase}`)).toEqual(expect.arrayContaining(others));
    }
    expect(forbiddenImports('@agent-forge/core')).toContain('@agent-forge/cli');
    expect(forbiddenImports('@agent-forge/cli')).toEqual([]);
    expect(forbiddenImports('@agent-forge/native-kernels')).toContain('@agent-forge/core');
  });
});

describe('house shape of every product package', () => {
  for (const dir of productDirs) {
    const pkg = readJson(path.join(dir, 'package.json'));
    it(`${pkg.name} has src/index.ts, README.md, tsup.config.ts, exports and the four scripts`, () => {
      for (const file of [
        'src/index.ts',
        'README.md',
        'tsup.config.ts',
        'vitest.config.ts',
        'eslint.config.js',
        'tsconfig.json',
      ]) {
        expect(existsSync(path.join(dir, file)), file).toBe(true);
      }
      expect(pkg.exports?.['.']?.import).toBe('./dist/index.js');
      expect(pkg.exports?.['.']?.types).toBe('./dist/index.d.ts');
      expect(Object.keys(pkg.scripts ?? {})).toEqual(expect.arrayContaining(['build', 'test', 'lint', 'typecheck']));
      expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toMatch(/```/);
    });
  }
});
