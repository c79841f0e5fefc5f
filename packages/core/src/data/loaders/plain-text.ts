import { readDataFile } from './read-source.js';

export interface PlainTextOptions {
  /**
   * 'paragraph' (default): documents are separated by blank lines, which gives shuffling and the
   * train/validation split something to work with. 'file': the whole file is one document.
   */
  readonly split?: 'paragraph' | 'file';
}

export function splitPlainText(text: string, options: PlainTextOptions = {}): string[] {
  const normalized = text.replace(/\r\n/g, '\n');
  if (options.split === 'file') return [normalized];
  return normalized
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.replace(/^\n+|\n+$/g, ''))
    .filter((paragraph) => paragraph.trim() !== '');
}

export async function loadPlainText(file: string, options: PlainTextOptions = {}): Promise<string[]> {
  return splitPlainText(await readDataFile(file), options);
}
