import { ForgeError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { littleEndianBytes } from './bytes.js';
import { assertHostTensor, type Dtype, type HostTensor, type WeightMap } from './dtype.js';
import { METADATA_KEY } from './safetensors-header.js';

/**
 * Writing safetensors. Tensors are laid out in the reference crate's order — widest dtype first,
 * then by name (UTF-8 byte order) — so that, with the header padded to 8 bytes, every tensor's data
 * starts at an offset that is a multiple of its element size (readers can view it without copying),
 * and the output is byte-identical to `safetensors.serialize` for the same tensors. Metadata keys
 * are sorted so the same input always gives the same bytes.
 */

export interface SafetensorsWriteOptions {
  /** The header's `__metadata__`: string keys to string values. Omitted from the file when absent. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The reference crate's dtype order (its enum order, largest alignment last); we write in reverse. */
const DTYPE_RANK: Readonly<Record<Dtype, number>> = { U8: 0, I8: 1, F16: 2, BF16: 3, I32: 4, F32: 5 };

/** Encode `weights` as the bytes of a safetensors file. */
export function encodeSafetensors(weights: WeightMap, options: SafetensorsWriteOptions = {}): Uint8Array {
  const ordered = orderForWriting(weights);
  const headerBytes = encodeHeader(ordered, options.metadata);
  const dataLength = ordered.reduce((sum, [, tensor]) => sum + tensor.data.byteLength, 0);
  const out = new Uint8Array(8 + headerBytes.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const [, tensor] of ordered) {
    out.set(littleEndianBytes(tensor.data), position);
    position += tensor.data.byteLength;
  }
  return out;
}

/** Encode `weights` and write them to `file` atomically (readers never see a torn file). */
export async function writeSafetensorsFile(
  file: string,
  weights: WeightMap,
  options: SafetensorsWriteOptions = {},
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = encodeSafetensors(weights, options);
  } catch (error) {
    if (error instanceof ForgeError) throw new ForgeError(error.message, { file, cause: error });
    throw error;
  }
  await writeFileAtomic(file, bytes);
}

function orderForWriting(weights: WeightMap): [string, HostTensor][] {
  const entries = [...weights.entries()];
  for (const [name, tensor] of entries) {
    if (name === METADATA_KEY)
      throw new ForgeError(`'${METADATA_KEY}' is reserved by the safetensors format and cannot name a tensor`);
    assertHostTensor(tensor, name);
  }
  return entries.sort(
    ([nameA, a], [nameB, b]) =>
      DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || Buffer.compare(Buffer.from(nameA), Buffer.from(nameB)),
  );
}

/**
 * Compact JSON with `__metadata__` first and tensors in data order, padded with spaces to a
 * multiple of 8 bytes. Built by hand rather than from an object so integer-like tensor names keep
 * their place and a name like `__proto__` is written, not swallowed.
 */
function encodeHeader(
  ordered: readonly [string, HostTensor][],
  metadata: Readonly<Record<string, string>> | undefined,
): Uint8Array {
  const members: string[] = [];
  if (metadata !== undefined) members.push(`${JSON.stringify(METADATA_KEY)}:${encodeMetadata(metadata)}`);
  let offset = 0;
  for (const [name, tensor] of ordered) {
    const end = offset + tensor.data.byteLength;
    const info = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, end] };
    members.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${members.join(',')}}`);
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  return padded;
}

function encodeMetadata(metadata: Readonly<Record<string, string>>): string {
  const keys = Object.keys(metadata).sort();
  for (const key of keys) {
    const value: unknown = metadata[key];
    if (typeof value !== 'string')
      throw new ForgeError(`${METADATA_KEY} value for key '${key}' must be a string, got ${typeof value}`);
  }
  return `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(metadata[key])}`).join(',')}}`;
}
