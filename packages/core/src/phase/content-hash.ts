/**
 * Content hashes of the checkpoints a phase produced, kept in `pipeline.json`: a resume trusts a
 * finished phase only when every file of its models still hashes to what was recorded, so a
 * checkpoint torn or edited after the fact is re-made instead of fed to the next phase.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Relative file path → sha256 hex, for every non-hidden file under `dir`. */
export type DirectoryHashes = Record<string, string>;

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    // Hidden entries are staging/retired siblings and temp files of atomic writes: never content.
    if (entry.name.startsWith('.')) continue;
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

/** sha256 of every non-hidden file under `dir`, keyed by its `/`-separated relative path. */
export async function hashDirectory(dir: string): Promise<DirectoryHashes> {
  const hashes: DirectoryHashes = {};
  for (const file of await listFiles(dir)) hashes[file] = await hashFile(path.join(dir, file));
  return hashes;
}

/** Why `dir` no longer matches `expected`, or undefined when every file is as recorded. */
export async function checkDirectoryHashes(dir: string, expected: DirectoryHashes): Promise<string | undefined> {
  let actual: DirectoryHashes;
  try {
    actual = await hashDirectory(dir);
  } catch (error) {
    return `cannot read ${dir}: ${(error as Error).message}`;
  }
  for (const [file, hash] of Object.entries(expected)) {
    if (actual[file] === undefined) return `${path.join(dir, file)} is missing`;
    if (actual[file] !== hash) return `${path.join(dir, file)} changed since the phase finished`;
  }
  return undefined;
}
