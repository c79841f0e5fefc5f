import { z } from 'zod';
import { parseJsonl } from './jsonl.js';
import { readDataFile } from './read-source.js';

const textRecordSchema = z.object({
  text: z.string({ error: 'expected a string' }),
});

/** Parses `{"text": ...}` JSONL into one document per record; other fields are ignored. */
export function parseTextJsonl(text: string, file: string): string[] {
  return parseJsonl(text, file, textRecordSchema).map(({ value }) => value.text);
}

/** Read a `{"text": …}` JSONL file as one document per line; a bad line is a ForgeError with its line number. */
export async function loadTextJsonl(file: string): Promise<string[]> {
  return parseTextJsonl(await readDataFile(file), file);
}
