import { ForgeError } from '../errors.js';
import { DTYPES, DTYPE_BYTES, elementCount, formatShape, isDtype, isValidShape, type Dtype } from './dtype.js';

/**
 * Parsing and validating a safetensors header. The rules follow the reference Rust crate
 * (huggingface/safetensors, `SafeTensors::read_metadata` and `Metadata::validate`): a header of at
 * most 100 MB, UTF-8 JSON, every tensor's byte span equal to its dtype size × element count, and the
 * spans, sorted by offset, tiling the data buffer exactly — no overlaps, no holes, no trailing bytes.
 * Unlike the crate, each failure names the file, the tensor and the numbers involved.
 */

/** The reference crate's limit; a larger length is a corrupt or hostile file, not a real header. */
export const MAX_HEADER_BYTES = 100_000_000;

export const METADATA_KEY = '__metadata__';

/** One tensor's header entry: its name, dtype, shape and byte span in the data buffer. */
export interface SafetensorsEntry {
  /** Tensor name, e.g. `blocks.0.attention.q.weight`. */
  readonly name: string;
  /** Element type of the stored bytes. */
  readonly dtype: Dtype;
  /** Dimensions, row-major; `[]` for a scalar. */
  readonly shape: number[];
  /** Byte offsets relative to the start of the data buffer, `end` exclusive. */
  readonly begin: number;
  /** Exclusive end offset; `end - begin` is dtype size × element count. */
  readonly end: number;
}

/** A parsed, validated safetensors header: where each tensor lies and the file's metadata. */
export interface SafetensorsHeader {
  /** Sorted by data offset, i.e. in file order. */
  readonly entries: SafetensorsEntry[];
  /** The `__metadata__` string map; `{}` when the file has none. */
  readonly metadata: Record<string, string>;
  /** Absolute offset of the data buffer: 8 + header length. */
  readonly dataStart: number;
}

/** Parse and fully validate the header of the safetensors file held in `bytes`; `file` names it in errors. */
export function parseSafetensorsHeader(bytes: Uint8Array, file: string): SafetensorsHeader {
  const headerLength = readHeaderLength(bytes, file);
  const dataStart = 8 + headerLength;
  const json = decodeHeaderJson(bytes.subarray(8, dataStart), file);
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value, file);
    else entries.push(parseEntry(name, value, dataLength, file));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkCoverage(entries, dataLength, file);
  return { entries, metadata, dataStart };
}

function readHeaderLength(bytes: Uint8Array, file: string): number {
  if (bytes.length < 8) {
    throw new ForgeError(`not a safetensors file: ${bytes.length} bytes is shorter than the 8-byte header length`, {
      file,
    });
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw new ForgeError(`safetensors header length ${length} is absurd (limit ${MAX_HEADER_BYTES} bytes)`, { file });
  }
  const headerLength = Number(length);
  if (8 + headerLength > bytes.length) {
    throw new ForgeError(
      `safetensors header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`,
      { file },
    );
  }
  return headerLength;
}

function decodeHeaderJson(headerBytes: Uint8Array, file: string): Record<string, unknown> {
  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, so it fails JSON parsing as it does in the crate.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch (error) {
    throw new ForgeError('safetensors header is not valid UTF-8', { file, cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ForgeError(`safetensors header is not valid JSON: ${(error as Error).message}`, { file, cause: error });
  }
  if (!isPlainObject(json)) {
    throw new ForgeError(`safetensors header must be a JSON object, got ${describeJson(json)}`, { file });
  }
  return json;
}

function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (value === null) return {};
  if (!isPlainObject(value)) {
    throw new ForgeError(`${METADATA_KEY} must be an object of string values, got ${describeJson(value)}`, { file });
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new ForgeError(`${METADATA_KEY} value for key '${key}' must be a string, got ${describeJson(item)}`, {
        file,
      });
    }
  }
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}

function parseEntry(name: string, value: unknown, dataLength: number, file: string): SafetensorsEntry {
  const fail = (problem: string): ForgeError => new ForgeError(`tensor '${name}': ${problem}`, { file });
  if (!isPlainObject(value)) throw fail(`header entry must be an object, got ${describeJson(value)}`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isDtype(dtype))
    throw fail(`unknown dtype ${JSON.stringify(dtype) ?? 'undefined'} (supported: ${DTYPES.join(', ')})`);
  if (!isValidShape(shape))
    throw fail(`shape must be an array of non-negative integers, got ${JSON.stringify(shape) ?? 'undefined'}`);
  if (!isOffsetPair(offsets)) {
    throw fail(
      `data_offsets must be two integers [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets) ?? 'undefined'}`,
    );
  }
  const [begin, end] = offsets;
  const count = elementCount(shape);
  const needed = count === undefined ? undefined : count * DTYPE_BYTES[dtype];
  if (needed === undefined || !Number.isSafeInteger(needed)) throw fail(`shape ${formatShape(shape)} is too large`);
  if (end - begin !== needed) {
    throw fail(
      `data_offsets [${begin}, ${end}] span ${end - begin} bytes, but ${dtype} × shape ${formatShape(shape)} needs ${needed} bytes`,
    );
  }
  if (end > dataLength)
    throw fail(`data_offsets [${begin}, ${end}] are out of range: the data buffer is ${dataLength} bytes`);
  return { name, dtype, shape, begin, end };
}

/** Sorted spans must tile [0, dataLength) exactly, as the reference crate requires. */
function checkCoverage(entries: readonly SafetensorsEntry[], dataLength: number, file: string): void {
  let position = 0;
  let previous: SafetensorsEntry | undefined;
  for (const entry of entries) {
    if (previous !== undefined && entry.begin < position) {
      throw new ForgeError(
        `tensors '${previous.name}' [${previous.begin}, ${previous.end}] and '${entry.name}' [${entry.begin}, ${entry.end}] overlap`,
        { file },
      );
    }
    if (entry.begin > position) {
      throw new ForgeError(
        `data bytes [${position}, ${entry.begin}) before tensor '${entry.name}' are not covered by any tensor (a hole)`,
        { file },
      );
    }
    position = entry.end;
    previous = entry;
  }
  if (position !== dataLength) {
    throw new ForgeError(
      `${dataLength - position} trailing data bytes after offset ${position} are not covered by any tensor`,
      { file },
    );
  }
}

function isOffsetPair(value: unknown): value is [number, number] {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [begin, end] = value as unknown[];
  return (
    Number.isSafeInteger(begin) &&
    Number.isSafeInteger(end) &&
    (begin as number) >= 0 &&
    (begin as number) <= (end as number)
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
