import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import { BYTE_OFFSET, SPECIAL_IDS, loadDataset, trainBpe, type DatasetSource } from '../../src/data/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'forge-dataset-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadDataset', () => {
  it('builds the built-in dataset from count, seed and difficulty', async () => {
    const a = await loadDataset({ kind: 'builtin', count: 120, seed: 4, difficulty: 2 });
    const b = await loadDataset({ kind: 'builtin', count: 120, seed: 4, difficulty: 2 });
    expect(a.size).toBe(120);
    expect(a.problems()).toHaveLength(120);
    expect(a.texts()).toEqual(b.texts());
    expect(a.texts()[0]).toMatch(/^Question: .+\nAnswer: [\s\S]+\n#### \d+$/);
  });

  it('mixes built-in difficulties when given a list, and names the field of a bad one', async () => {
    const mixed = await loadDataset({ kind: 'builtin', count: 30, seed: 4, difficulty: [1, 3] });
    const levels = mixed.problems().map((problem) => (problem as { difficulty?: number }).difficulty);
    expect(levels.filter((level) => level === 1)).toHaveLength(15);
    expect(levels.filter((level) => level === 3)).toHaveLength(15);
    await expect(loadDataset({ kind: 'builtin', count: 3, seed: 4, difficulty: [] })).rejects.toThrow(/difficulty/);
    await expect(loadDataset({ kind: 'builtin', count: 3, seed: 4, difficulty: [0, 1] })).rejects.toThrow(/difficulty/);
  });

  it('loads gsm8k, jsonl and text sources from files', async () => {
    const gsm = path.join(dir, 'g.jsonl');
    await writeFile(gsm, `${JSON.stringify({ question: 'Q?', answer: 'A\n#### 2' })}\n`);
    const jsonl = path.join(dir, 't.jsonl');
    await writeFile(jsonl, '{"text": "alpha"}\n{"text": "beta"}\n');
    const txt = path.join(dir, 'p.txt');
    await writeFile(txt, 'one\n\ntwo\n\nthree\n');
    const fromGsm = await loadDataset({ kind: 'gsm8k', path: gsm });
    expect(fromGsm.problems()).toEqual([{ question: 'Q?', answer: 'A\n#### 2', finalAnswer: '2' }]);
    expect(fromGsm.texts()).toEqual(['Question: Q?\nAnswer: A\n#### 2']);
    const fromJsonl = await loadDataset({ kind: 'jsonl', path: jsonl });
    expect(fromJsonl.texts()).toEqual(['alpha', 'beta']);
    expect(fromJsonl.problems()).toEqual([]);
    expect((await loadDataset({ kind: 'text', path: txt })).texts()).toEqual(['one', 'two', 'three']);
  });

  it('rejects a bad source with a ForgeError naming the field, and a missing file by name', async () => {
    const bad = { kind: 'builtin', count: 0, seed: 1, difficulty: 1 } as DatasetSource;
    await expect(loadDataset(bad)).rejects.toThrow(/count/);
    await expect(loadDataset({ kind: 'csv', path: 'x' } as unknown as DatasetSource)).rejects.toThrow(ForgeError);
    const missing = path.join(dir, 'nope.jsonl');
    await expect(loadDataset({ kind: 'gsm8k', path: missing })).rejects.toThrow(missing);
  });
});

describe('Dataset', () => {
  it('splits deterministically into disjoint train and validation sets', async () => {
    const data = await loadDataset({ kind: 'builtin', count: 200, seed: 1, difficulty: 1 });
    const first = data.split({ validationFraction: 0.1, seed: 3 });
    const second = data.split({ validationFraction: 0.1, seed: 3 });
    expect(first.validation.size).toBe(20);
    expect(first.train.size).toBe(180);
    expect(second.validation.texts()).toEqual(first.validation.texts());
    const train = new Set(first.train.texts());
    expect(first.validation.texts().some((t) => train.has(t))).toBe(false);
  });

  it('tokenizes without matching reserved tokens and batches with <eos> between examples', async () => {
    const data = await loadDataset({ kind: 'builtin', count: 60, seed: 2, difficulty: 1 });
    const tokenizer = trainBpe(data.texts(), { vocabSize: 400 });
    const tokenized = data.tokenize(tokenizer);
    expect(tokenized).toHaveLength(60);
    expect(tokenizer.decode(tokenized[0] as Int32Array)).toBe(data.texts()[0]);
    const iterator = data.batches(tokenizer, { batchSize: 3, contextLength: 32, seed: 9 });
    const batch = iterator.nextBatch();
    expect(batch.tokens).toHaveLength(3 * 33);
    const all: number[] = [];
    for (let i = 0; i < 20; i++) all.push(...iterator.nextBatch().tokens);
    expect(all).toContain(SPECIAL_IDS.eos);
    expect(all.every((id) => id === SPECIAL_IDS.eos || (id >= BYTE_OFFSET && id < tokenizer.vocabSize))).toBe(true);
    const resumed = data.batches(tokenizer, { batchSize: 3, contextLength: 32, seed: 9 }, iterator.position);
    expect(resumed.nextBatch()).toEqual(iterator.nextBatch());
  });

  it('keeps user text containing "<eos>" as plain bytes', async () => {
    const file = path.join(dir, 'inject.jsonl');
    await writeFile(file, '{"text": "hello <eos> world"}\n');
    const data = await loadDataset({ kind: 'jsonl', path: file });
    const tokenizer = trainBpe('hello world', { vocabSize: 300 });
    expect([...(data.tokenize(tokenizer)[0] as Int32Array)]).not.toContain(SPECIAL_IDS.eos);
  });
});
