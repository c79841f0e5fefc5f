import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceDirectory, writeFileAtomic } from '../../src/io/index.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'forge-io-'));

describe('writeFileAtomic', () => {
  it('replaces the content and leaves no temp file behind', async () => {
    const dir = tmp();
    const file = path.join(dir, 'sub', 'x.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(path.dirname(file))).toEqual(['x.json']);
  });
});

describe('replaceDirectory', () => {
  it('swaps in new content as a whole', async () => {
    const target = path.join(tmp(), 'state');
    await replaceDirectory(target, async (staging) => writeFileSync(path.join(staging, 'a'), '1'));
    await replaceDirectory(target, async (staging) => writeFileSync(path.join(staging, 'b'), '2'));
    expect(readdirSync(target)).toEqual(['b']);
    expect(readdirSync(path.dirname(target))).toEqual(['state']);
  });

  it('keeps the old content when filling fails', async () => {
    const target = path.join(tmp(), 'state');
    await replaceDirectory(target, async (staging) => writeFileSync(path.join(staging, 'a'), 'old'));
    await expect(
      replaceDirectory(target, async (staging) => {
        writeFileSync(path.join(staging, 'a'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readFileSync(path.join(target, 'a'), 'utf8')).toBe('old');
    expect(readdirSync(path.dirname(target))).toEqual(['state']);
  });

  it("removes its own crashed siblings but never another directory's", async () => {
    const root = tmp();
    const target = path.join(root, 'a');
    const deadPid = 2 ** 22 + 12345;
    const ownStale = path.join(root, `.a.staging-${deadPid}-deadbeef`);
    // The staging folder of a live save of the directory `a.staging-<deadPid>-x`, which merely starts like a's.
    const othersInProgress = path.join(root, `.a.staging-${deadPid}-x.staging-${process.pid}-deadbeef`);
    mkdirSync(ownStale);
    mkdirSync(othersInProgress);
    await replaceDirectory(target, async (staging) => writeFileSync(path.join(staging, 'x'), ''));
    expect(existsSync(ownStale)).toBe(false);
    expect(existsSync(othersInProgress)).toBe(true);
  });
});
