// The adapters/ folder as later phases carry it along: detected, copied as it is, and the one persona
// every report of a baked model is measured with.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTERS_DIR, copyAdapters, hasAdapters, measurementPersona } from '../../src/index.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'core-adapter-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the adapters folder', () => {
  it('is detected and copied as it is; a model without one copies nothing', async () => {
    const baked = path.join(root, 'baked');
    mkdirSync(path.join(baked, ADAPTERS_DIR), { recursive: true });
    writeFileSync(path.join(baked, ADAPTERS_DIR, 'terse.safetensors'), 'adapter bytes');
    const plain = path.join(root, 'plain');
    mkdirSync(plain);
    // A file named like the folder is not a baked model.
    writeFileSync(path.join(plain, ADAPTERS_DIR), 'not a folder');
    expect(await hasAdapters(baked)).toBe(true);
    expect(await hasAdapters(plain)).toBe(false);
    const target = path.join(root, 'target');
    mkdirSync(target);
    expect(await copyAdapters(baked, target)).toBe(true);
    expect(readFileSync(path.join(target, ADAPTERS_DIR, 'terse.safetensors'), 'utf8')).toBe('adapter bytes');
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    expect(await copyAdapters(plain, empty)).toBe(false);
    expect(await hasAdapters(empty)).toBe(false);
  });

  it('measures a baked model with its first persona in sorted order, none without personas', () => {
    expect(measurementPersona(['terse', 'calculator', 'math'])).toBe('calculator');
    expect(measurementPersona([])).toBeNull();
  });
});
