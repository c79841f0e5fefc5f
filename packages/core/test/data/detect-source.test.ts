import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectDataSource } from '../../src/data/index.js';

const file = (name: string, text: string): string => {
  const full = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-detect-')), name);
  writeFileSync(full, text);
  return full;
};

describe('detectDataSource', () => {
  it('tells GSM8K, text JSONL and plain text apart from the first line', async () => {
    expect((await detectDataSource(file('a.jsonl', '\n{"question":"q","answer":"#### 1"}\n'))).kind).toBe('gsm8k');
    expect((await detectDataSource(file('b.jsonl', '\uFEFF{"text":"hello"}\n'))).kind).toBe('jsonl');
    expect(await detectDataSource(file('c.txt', 'Once upon a time.\n'))).toMatchObject({ kind: 'text' });
  });

  it('names the file for empty, missing, broken and unknown-shaped data', async () => {
    await expect(detectDataSource(file('e.txt', '\n  \n'))).rejects.toThrow(/e\.txt: data file is empty/);
    await expect(detectDataSource('/nope/x.jsonl')).rejects.toThrow(/x\.jsonl: data file not found/);
    await expect(detectDataSource(file('f.jsonl', '{broken\n'))).rejects.toThrow(
      /f\.jsonl:1: first line is not valid JSON/,
    );
    await expect(detectDataSource(file('g.jsonl', '{"prompt":"x"}\n'))).rejects.toThrow(
      /g\.jsonl:1: a JSONL data file needs/,
    );
  });
});
