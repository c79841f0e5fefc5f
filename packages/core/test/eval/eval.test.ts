import { useBackend } from '../../src/backend/index.js';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { answerAccuracy, bytesOnDisk, parameterCount, perplexity } from '../../src/eval/index.js';
import { countParameters, TinyTitan } from '../../src/model/index.js';
import type { Problem } from '../../src/data/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('perplexity', () => {
  it('is exactly the vocabulary size for a model that predicts uniformly', () => {
    const config = { vocabSize: 40, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 8 };
    const model = new TinyTitan(config, { seed: 3 });
    for (const weight of model.namedWeights().values()) weight.assign(tf.zerosLike(weight));
    const tokens = Int32Array.from({ length: 3 * 9 }, (_, i) => (i * 11) % 40);
    const { perplexity: value, loss } = perplexity(model, { tokens, rows: 3, cols: 9 }, 2);
    expect(loss).toBeCloseTo(Math.log(40), 5);
    expect(value).toBeCloseTo(40, 3);
    expect(parameterCount(model)).toBe(countParameters(model.config));
    model.dispose();
  });
});

describe('answerAccuracy', () => {
  const problems: Problem[] = [
    { question: 'a', answer: '#### 72', finalAnswer: '72' },
    { question: 'b', answer: '#### 1,200', finalAnswer: '1200' },
    { question: 'c', answer: '#### 5', finalAnswer: '5' },
    { question: 'd', answer: '#### 9', finalAnswer: '9' },
  ];
  it('compares the number after #### exactly, with commas and 72 = 72.0', async () => {
    const replies: Record<string, string> = {
      a: ' 8*9=<<8*9=72>>72\n#### 72.0',
      b: ' so\n#### 1,200\n',
      c: ' the answer is 5',
      d: '\n#### 8',
    };
    const { accuracy, records } = await answerAccuracy(
      problems,
      (p) => p.question,
      async (prompt) => replies[prompt] ?? '',
    );
    expect(records.map((r) => r.correct)).toEqual([true, true, false, false]);
    expect(records[2]?.predicted).toBeUndefined();
    expect(accuracy).toBe(0.5);
  });
});

describe('bytesOnDisk', () => {
  it('sums file sizes through directories', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-bytes-'));
    writeFileSync(path.join(dir, 'a'), Buffer.alloc(100));
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'b'), Buffer.alloc(23));
    expect(await bytesOnDisk(dir)).toBe(123);
    expect(await bytesOnDisk(path.join(dir, 'a'))).toBe(100);
  });
});
