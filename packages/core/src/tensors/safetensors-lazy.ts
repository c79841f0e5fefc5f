import { open, type FileHandle } from 'node:fs/promises';
import { ForgeError } from '../errors.js';
import { readElements } from './bytes.js';
import { DTYPE_BYTES, type HostTensor } from './dtype.js';
import { parseSafetensorsHeader, type SafetensorsEntry, type SafetensorsHeader } from './safetensors-header.js';

/**
 * Reading a safetensors file one tensor at a time: the header is read and fully validated when the
 * file is opened, and a tensor's bytes are read from disk only when asked for. Merging, inspection
 * and conversion can then walk a model holding one tensor of it in memory, not the whole file.
 */
export interface LazySafetensors {
  /** Path the file was opened from, used in error messages. */
  readonly file: string;
  /** The validated header, including `__metadata__` and the data offset. */
  readonly header: SafetensorsHeader;
  /** Header entries in file (data offset) order. */
  readonly entries: readonly SafetensorsEntry[];
  /** The header entry named `name`, or undefined. */
  entry(name: string): SafetensorsEntry | undefined;
  /** Read one tensor's data (a fresh array each call); a name the file lacks is a ForgeError. */
  readTensor(name: string): Promise<HostTensor>;
  /** Release the file handle; later reads fail. */
  close(): Promise<void>;
}

/** Bytes read for the 8-byte length and the start of a typical header in one go. */
const FIRST_READ_BYTES = 64 * 1024;

/** Open `file` and validate its header (the same rules as `readSafetensorsFile`), reading no tensor data. */
export async function openSafetensorsFile(file: string): Promise<LazySafetensors> {
  const handle = await openHandle(file);
  try {
    const { size } = await handle.stat();
    const header = parseSafetensorsHeader(await readHeaderBytes(handle, size), file);
    return lazyReader(file, handle, header);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function openHandle(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'file not found'
        : `cannot read file: ${(error as Error).message}`;
    throw new ForgeError(reason, { file, cause: error });
  }
}

/**
 * The length prefix and header JSON, in an array whose `length` reports the whole file's size.
 * `parseSafetensorsHeader` takes a file's bytes and uses the part past the header only through that
 * length (to check the offsets tile the data buffer), so the data itself never has to be read.
 * `subarray` and `byteLength` still see the real, header-sized buffer.
 */
async function readHeaderBytes(handle: FileHandle, fileSize: number): Promise<Uint8Array> {
  const first = await readAt(handle, 0, Math.min(fileSize, FIRST_READ_BYTES));
  let bytes = first;
  if (first.length >= 8) {
    const headerLength = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
    // An absurd length is left for the parser to report; only a plausible one is read in full.
    const wanted = headerLength <= BigInt(fileSize - 8) ? 8 + Number(headerLength) : first.length;
    if (wanted > first.length) bytes = await readAt(handle, 0, wanted);
    else bytes = first.subarray(0, Math.max(8, wanted));
  }
  Object.defineProperty(bytes, 'length', { value: fileSize });
  return bytes;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

function lazyReader(file: string, handle: FileHandle, header: SafetensorsHeader): LazySafetensors {
  const byName = new Map(header.entries.map((entry) => [entry.name, entry]));
  let closed = false;
  return {
    file,
    header,
    entries: header.entries,
    entry: (name) => byName.get(name),
    async readTensor(name) {
      const entry = byName.get(name);
      if (entry === undefined) throw new ForgeError(`no tensor '${name}' in this file`, { file });
      if (closed) throw new ForgeError(`cannot read tensor '${name}': the file was closed`, { file });
      const bytes = await readAt(handle, header.dataStart + entry.begin, entry.end - entry.begin);
      if (bytes.length !== entry.end - entry.begin) {
        throw new ForgeError(`tensor '${name}': the file ended early (was it changed after opening?)`, { file });
      }
      const data = readElements(entry.dtype, bytes, 0, bytes.length / DTYPE_BYTES[entry.dtype]);
      return { dtype: entry.dtype, shape: [...entry.shape], data } as HostTensor;
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}
