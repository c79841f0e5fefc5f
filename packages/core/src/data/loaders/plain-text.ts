import { readDataFile } from './read-source.js';

/** How `loadPlainText` cuts a text file into documents. */
export interface PlainTextOptions {
  /**
   * 'paragraph' (default): documents are separated by blank lines, which gives shuffling and the
   * train/validation split something to work with. 'file': the whole file is one document.
   */
  readonly split?: 'paragraph' | 'file';
}

/** Cut text into documents: paragraphs separated by blank lines (default), or the whole text as one. */
export function splitPlainText(text: string, options: PlainTextOptions = {}): string[] {
  const normalized = text.replace(/\r\n/g, '\n');
  if (options.split === 'file') return [normalized];
  return normalized
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.replace(/^\n+|\n+$/g, ''))
    .filter((paragraph) => paragraph.trim() !== '');
}

/** Read a UTF-8 text file as documents (see `splitPlainText`); a missing or empty file is a ForgeError. */
export async function loadPlainText(file: string, options: PlainTextOptions = {}): Promise<string[]> {
  return splitPlainText(await readDataFile(file), options);
}
