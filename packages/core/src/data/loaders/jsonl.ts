import type { z } from 'zod';
import { ForgeError } from '../../errors.js';

/** One validated JSONL record and the line it came from. */
export interface JsonlRecord<T> {
  /** 1-based line number in the file, for error messages downstream. */
  readonly line: number;
  /** The record as `schema` parsed it. */
  readonly value: T;
}

/**
 * Parses JSONL, validating each record against `schema`. Blank lines are skipped; broken JSON or
 * a record that fails the schema is a ForgeError naming the file, the 1-based line and the field.
 */
export function parseJsonl<T>(text: string, file: string, schema: z.ZodType<T>): Array<JsonlRecord<T>> {
  const records: Array<JsonlRecord<T>> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const source = (lines[i] as string).replace(/\r$/, '');
    if (source.trim() === '') continue;
    const line = i + 1;
    let json: unknown;
    try {
      json = JSON.parse(source);
    } catch (error) {
      throw new ForgeError(`invalid JSON: ${(error as Error).message}`, { file, line, cause: error });
    }
    records.push({ line, value: validate(schema, json, file, line) });
  }
  if (records.length === 0) throw new ForgeError('file has no records', { file });
  return records;
}

function validate<T>(schema: z.ZodType<T>, json: unknown, file: string, line: number): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.map(String).join('.') : undefined;
  throw new ForgeError(issue?.message ?? 'invalid record', { file, line, field });
}
