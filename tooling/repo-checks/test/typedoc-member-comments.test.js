// tooling/typedoc-plugin-member-comments.mjs: members of types TypeDoc expands (`S.__type.steps`)
// get the comment written on the source property, also when the type comes from another package's
// built declarations (which lost it), and nothing is made up for a property without one. A tiny
// two-package project with real zod, converted by TypeDoc's own API.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Application, ReflectionKind, TSConfigReader } from 'typedoc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const plugin = path.join(repoRoot, 'tooling', 'typedoc-plugin-member-comments.mjs');
const zodDir = realpathSync(path.join(repoRoot, 'packages', 'core', 'node_modules', 'zod'));
const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  },
  include: ['src'],
};

function write(file, text) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Package `a` (source with comments, and the comment-less dist/index.d.ts a bundler emits) and package `b` using it. */
function fixture() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'typedoc-member-comments-'));
  mkdirSync(path.join(dir, 'node_modules', '@fixture'), { recursive: true });
  symlinkSync(zodDir, path.join(dir, 'node_modules', 'zod'), 'dir');
  symlinkSync(path.join(dir, 'a'), path.join(dir, 'node_modules', '@fixture', 'a'), 'dir');
  const manifest = (name) =>
    JSON.stringify({
      name,
      version: '0.0.0',
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
    });
  write(path.join(dir, 'a', 'package.json'), manifest('@fixture/a'));
  write(path.join(dir, 'a', 'tsconfig.json'), JSON.stringify(tsconfig));
  write(
    path.join(dir, 'a', 'src', 'index.ts'),
    [
      "import { z } from 'zod';",
      '/** Training settings. */',
      'export const TrainSchema = z.object({',
      '  /** Optimizer steps to take. */',
      '  steps: z.number().int().default(200),',
      '  /** Peak learning rate. */',
      '  lr: z.number().default(3e-3),',
      '  warmup: z.number().default(0),',
      '});',
      '/** Parsed training settings. */',
      'export type Train = z.infer<typeof TrainSchema>;',
      '',
    ].join('\n'),
  );
  write(path.join(dir, 'a', 'dist', 'index.js'), 'export {};\n');
  write(
    path.join(dir, 'a', 'dist', 'index.d.ts'),
    [
      "import { z } from 'zod';",
      '',
      '/** Training settings. */',
      'declare const TrainSchema: z.ZodObject<{',
      '    steps: z.ZodDefault<z.ZodNumber>;',
      '    lr: z.ZodDefault<z.ZodNumber>;',
      '    warmup: z.ZodDefault<z.ZodNumber>;',
      '}, z.core.$strip>;',
      '/** Parsed training settings. */',
      'type Train = z.infer<typeof TrainSchema>;',
      '',
      'export { type Train, TrainSchema };',
      '',
    ].join('\n'),
  );
  write(
    path.join(dir, 'b', 'package.json'),
    JSON.stringify({ name: '@fixture/b', version: '0.0.0', type: 'module', dependencies: { '@fixture/a': '0.0.0' } }),
  );
  write(path.join(dir, 'b', 'tsconfig.json'), JSON.stringify(tsconfig));
  write(
    path.join(dir, 'b', 'src', 'index.ts'),
    [
      "import type { Train } from '@fixture/a';",
      "import { z } from 'zod';",
      '',
      '/** The phase settings. */',
      'export const PhaseSchema = z.object({',
      '  /**',
      '   * Problems per batch.',
      '   * @defaultValue 8',
      '   */',
      '  batchSize: z.number().int().positive().default(8),',
      '  /** Where the data comes from. */',
      '  data: z.object({',
      '    /** The data file. */',
      '    path: z.string(),',
      '    seed: z.number(),',
      '  }),',
      '  plain: z.string(),',
      '});',
      '',
      '/** What a bake needs. */',
      'export interface BakeOptions {',
      '  /** Settings of the training loop. */',
      '  readonly train: Train;',
      '}',
      '',
      '/** Splits in two. */',
      'export function split() {',
      '  const right = 2;',
      '  const left = 1;',
      '  return {',
      '    /** The left half, in a box. */',
      '    boxed: { left },',
      '    right,',
      '  };',
      '}',
      '',
    ].join('\n'),
  );
  return dir;
}

let dir;
let project;

/** The comment summary of the reflection at `path` (names below the top level, `__type` steps left out). */
function summary(...names) {
  let reflection = project.getChildByName(names[0]);
  for (const name of names.slice(1)) {
    const child = reflection.getChildByName?.(name);
    if (child) {
      reflection = child;
      continue;
    }
    const type =
      reflection.type?.type === 'reflection'
        ? reflection.type
        : (reflection.type?.typeArguments?.find((argument) => argument.type === 'reflection') ??
          reflection.signatures?.[0]?.type);
    expect(type?.type, `${name} under ${reflection.getFriendlyFullName()}`).toBe('reflection');
    reflection = type.declaration.getChildByName(name);
  }
  expect(reflection?.kindOf(ReflectionKind.Property), names.join('.')).toBe(true);
  return reflection.comment && reflection.comment.summary.map((part) => part.text).join('');
}

beforeAll(async () => {
  dir = fixture();
  const app = await Application.bootstrapWithPlugins(
    {
      entryPoints: [path.join(dir, 'b', 'src', 'index.ts')],
      tsconfig: path.join(dir, 'b', 'tsconfig.json'),
      plugin: [plugin],
      readme: 'none',
      disableGit: true,
      disableSources: true,
      logLevel: 'Warn',
    },
    [new TSConfigReader()],
  );
  project = await app.convert();
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('typedoc-plugin-member-comments', () => {
  it('gives members of a z.object shape their source comment, parsed by TypeDoc (block tags too)', () => {
    expect(project).toBeDefined();
    expect(summary('PhaseSchema', 'batchSize')).toBe('Problems per batch.');
    const batchSize = project
      .getChildByName('PhaseSchema')
      .type.typeArguments[0].declaration.getChildByName('batchSize');
    expect(
      batchSize.comment
        .getTag('@defaultValue')
        ?.content.map((part) => part.text)
        .join(''),
    ).toContain('8');
    expect(summary('PhaseSchema', 'data', 'path')).toBe('The data file.');
  });

  it("follows a type from another package's built declarations back to that package's source", () => {
    expect(summary('BakeOptions', 'train', 'steps')).toBe('Optimizer steps to take.');
    expect(summary('BakeOptions', 'train', 'lr')).toBe('Peak learning rate.');
  });

  it('documents object literal members of an inferred return type', () => {
    expect(summary('split', 'boxed')).toBe('The left half, in a box.');
  });

  it('makes up nothing: a property without a comment stays undocumented', () => {
    expect(summary('PhaseSchema', 'plain')).toBeUndefined();
    expect(summary('PhaseSchema', 'data', 'seed')).toBeUndefined();
    expect(summary('BakeOptions', 'train', 'warmup')).toBeUndefined();
    expect(summary('split', 'right')).toBeUndefined();
  });
});
