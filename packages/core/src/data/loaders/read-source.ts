import { readFile } from 'node:fs/promises';
import { ForgeError } from '../../errors.js';

/** Reads a data file as UTF-8; a missing or empty file is a ForgeError naming it. */
export async function readDataFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? 'unknown error'})`;
    throw new ForgeError(reason, { file, cause: error });
  }
  // A BOM would otherwise break JSON.parse on line 1 of files saved by some editors.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new ForgeError('file is empty', { file });
  return text;
}
