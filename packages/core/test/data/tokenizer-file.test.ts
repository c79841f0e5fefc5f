import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import {
  FIRST_MERGE_ID,
  formatProblem,
  generateProblems,
  loadTokenizer,
  saveTokenizer,
  tokenizerFromFile,
  tokenizerToFile,
  trainBpe,
  type TokenizerFile,
} from '../../src/data/index.js';

const corpus = generateProblems({ count: 300, seed: 5, difficulty: 2 }).map((p) => formatProblem(p).text);
const tokenizer = trainBpe(corpus, { vocabSize: 400 });
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'forge-tokenizer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function goodFile(): TokenizerFile {
  return structuredClone(tokenizerToFile(tokenizer));
}

function errorOf(fn: () => unknown): ForgeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ForgeError) return error;
    throw error;
  }
  throw new Error('expected a ForgeError');
}

describe('tokenizer.json', () => {
  it('saves and loads to a tokenizer that encodes identically', async () => {
    const file = path.join(dir, 'tokenizer.json');
    await saveTokenizer(tokenizer, file);
    const loaded = await loadTokenizer(file);
    expect(loaded.vocabSize).toBe(tokenizer.vocabSize);
    expect(loaded.merges).toEqual(tokenizer.merges);
    const sample = [...corpus.slice(0, 50), 'unseen text 😀 with <eos>', 'Ünïcödé 12345'];
    for (const text of sample) {
      expect(loaded.encode(text)).toEqual(tokenizer.encode(text));
      expect(loaded.encode(text, { allowSpecial: true })).toEqual(tokenizer.encode(text, { allowSpecial: true }));
    }
    const json = JSON.parse(await readFile(file, 'utf8'));
    expect(json).toMatchObject({ format: 'agent-forge/bpe-tokenizer', version: 1, vocabSize: 400 });
  });

  it('names the file and the field when a value is malformed', () => {
    const bad = goodFile() as unknown as { merges: unknown[] };
    bad.merges[3] = [FIRST_MERGE_ID, 'x'];
    const error = errorOf(() => tokenizerFromFile(bad, '/runs/a/tokenizer.json'));
    expect(error.file).toBe('/runs/a/tokenizer.json');
    expect(error.field).toBe('merges.3.1');
    expect(error.message).toContain('/runs/a/tokenizer.json');
  });

  it('rejects an unknown version', () => {
    const error = errorOf(() => tokenizerFromFile({ ...goodFile(), version: 2 }, 't.json'));
    expect(error.field).toBe('version');
  });

  it('rejects a merge that refers to a later or reserved id', () => {
    const forward = goodFile();
    forward.merges[0] = [FIRST_MERGE_ID + 5, FIRST_MERGE_ID];
    expect(errorOf(() => tokenizerFromFile(forward)).field).toBe('merges.0');
    const reserved = goodFile();
    reserved.merges[2] = [2, FIRST_MERGE_ID];
    expect(errorOf(() => tokenizerFromFile(reserved)).field).toBe('merges.2');
  });

  it('rejects duplicate merges, a wrong vocabSize and moved reserved tokens', () => {
    const dup = goodFile();
    dup.merges[5] = dup.merges[4] as [number, number];
    expect(errorOf(() => tokenizerFromFile(dup)).field).toBe('merges.5');
    expect(errorOf(() => tokenizerFromFile({ ...goodFile(), vocabSize: 999 })).field).toBe('vocabSize');
    const moved = goodFile();
    moved.specialTokens[2] = '<end>';
    expect(errorOf(() => tokenizerFromFile(moved)).field).toBe('specialTokens.2');
    const spareRenamed = goodFile();
    spareRenamed.specialTokens[20] = '<|calc|>';
    const custom = tokenizerFromFile(spareRenamed);
    expect(custom.encode('<|calc|>', { allowSpecial: true })).toEqual([20]);
  });

  it('gives a ForgeError naming the file for broken JSON and for a missing file', async () => {
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{"format": ');
    await expect(loadTokenizer(broken)).rejects.toThrow(ForgeError);
    await expect(loadTokenizer(broken)).rejects.toThrow(broken);
    const missing = path.join(dir, 'missing.json');
    await expect(loadTokenizer(missing)).rejects.toThrow(missing);
  });
});
