import { open } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetSource } from './dataset.js';
import { ForgeError } from '../errors.js';

/**
 * What kind of data a file holds, from its first non-blank line: GSM8K-style JSONL
 * (`question` + `answer`), text JSONL (`text`), or — for anything that is not JSON — plain text.
 * Lets `forge run --data file` work without the user naming the format.
 */
export async function detectDataSource(file: string): Promise<DatasetSource> {
  const resolved = path.resolve(file);
  const firstLine = await readFirstLine(resolved);
  if (firstLine === undefined) throw new ForgeError('data file is empty', { file });
  let record: unknown;
  try {
    record = JSON.parse(firstLine);
  } catch {
    if (/\.jsonl?$/i.test(file)) throw new ForgeError('first line is not valid JSON', { file, line: 1 });
    return { kind: 'text', path: resolved };
  }
  if (record !== null && typeof record === 'object' && 'question' in record && 'answer' in record)
    return { kind: 'gsm8k', path: resolved };
  if (record !== null && typeof record === 'object' && 'text' in record) return { kind: 'jsonl', path: resolved };
  throw new ForgeError('a JSONL data file needs {"question", "answer"} (GSM8K) or {"text"} records', { file, line: 1 });
}

async function readFirstLine(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (cause) {
    throw new ForgeError('data file not found', { file, cause });
  }
  try {
    for await (const line of handle.readLines()) {
      if (line.trim() !== '') return line.replace(/^\uFEFF/, '');
    }
    return undefined;
  } finally {
    await handle.close();
  }
}
