import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ForgeError } from '../errors.js';

/** Parsed JSON of `file`; a missing file is an error when `required`, undefined otherwise. */
export async function readJsonFile(
  file: string,
  options: { required?: boolean; missing?: string } = {},
): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return handleReadError(error, file, options);
  }
  return parseJsonText(text, file);
}

/** `readJsonFile` for the few places that must stay synchronous (CLI listing, state reads). */
export function readJsonFileSync(file: string, options: { required?: boolean; missing?: string } = {}): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return handleReadError(error, file, options);
  }
  return parseJsonText(text, file);
}

function handleReadError(error: unknown, file: string, options: { required?: boolean; missing?: string }): undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' && options.required === false) return undefined;
  const reason =
    code === 'ENOENT' ? (options.missing ?? 'file not found') : `cannot read file: ${(error as Error).message}`;
  throw new ForgeError(reason, { file, cause: error });
}

function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ForgeError(`not valid JSON: ${(error as Error).message}`, { file, cause: error });
  }
}
