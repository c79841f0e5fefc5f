import { readFile } from 'node:fs/promises';
import { ForgeError } from '../errors.js';
import { readElements } from './bytes.js';
import { DTYPE_BYTES, type HostTensor, type WeightMap } from './dtype.js';
import { parseSafetensorsHeader } from './safetensors-header.js';

/** A decoded safetensors file: every tensor plus the header metadata. */
export interface SafetensorsContents {
  /** In file (data offset) order. */
  readonly weights: WeightMap;
  /** The header's `__metadata__`, `{}` when absent. */
  readonly metadata: Record<string, string>;
}

/**
 * Decode a whole safetensors file held in memory. Every rule of the format is checked before any
 * tensor is returned (see safetensors-header.ts); a violation throws a ForgeError naming `file`.
 * Tensor data may be views into `bytes` (see `readElements`), so don't mutate one without the other.
 */
export function readSafetensors(bytes: Uint8Array, file = '<safetensors bytes>'): SafetensorsContents {
  const header = parseSafetensorsHeader(bytes, file);
  const weights: WeightMap = new Map();
  for (const entry of header.entries) {
    const count = (entry.end - entry.begin) / DTYPE_BYTES[entry.dtype];
    const data = readElements(entry.dtype, bytes, header.dataStart + entry.begin, count);
    weights.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data } as HostTensor);
  }
  return { weights, metadata: header.metadata };
}

/** `readSafetensors` on a file; a missing or unreadable file is a ForgeError naming the path. */
export async function readSafetensorsFile(file: string): Promise<SafetensorsContents> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'file not found'
        : `cannot read file: ${(error as Error).message}`;
    throw new ForgeError(reason, { file, cause: error });
  }
  return readSafetensors(bytes, file);
}
