/**
 * The compressed model file: one safetensors file whose tensors are every encoded tensor's stored
 * parts, named `<weight name>/<part>` (e.g. `blocks.0.attn.q.weight/codebook0`), and whose
 * `__metadata__` holds, per weight, `compression.tensor.<weight name>` = JSON { method, shape, params,
 * parts }. Reading it back gives the same EncodedTensors, so decoding a loaded file gives the same bits
 * as decoding right after encoding.
 */
import { ForgeError, readSafetensorsFile, writeSafetensorsFile } from '@agent-forge/core';
import type { HostTensor, WeightMap } from '@agent-forge/core';
import type { EncodedParams, EncodedTensor } from './compressor.js';
import { getCompressor } from './registry.js';

/** File name of the compressed weights inside the output checkpoint directory. */
export const COMPRESSED_FILE = 'model.compressed.safetensors';
/** Value of `compression.format` in the file's `__metadata__`; any other value is refused on read. */
export const COMPRESSED_FORMAT = 'agent-forge-compressed-v1';
const FORMAT_KEY = 'compression.format';
const TENSOR_KEY_PREFIX = 'compression.tensor.';

interface TensorRecord {
  method: string;
  shape: number[];
  params: EncodedParams;
  parts: string[];
}

/** The file's weights and metadata for `encoded` (weight name → encoded tensor). */
export function compressedFileContents(encoded: ReadonlyMap<string, EncodedTensor>): {
  /** Every stored part of every encoded tensor, named `<weight name>/<part>`. */
  weights: WeightMap;
  /** The `__metadata__`: `compression.format` plus one `compression.tensor.<weight name>` JSON record (method, shape, params, parts) per weight. */
  metadata: Record<string, string>;
} {
  const weights: WeightMap = new Map();
  const metadata: Record<string, string> = { [FORMAT_KEY]: COMPRESSED_FORMAT };
  for (const [name, tensor] of encoded) {
    for (const [part, data] of tensor.tensors) weights.set(`${name}/${part}`, data);
    const record: TensorRecord = {
      method: tensor.method,
      shape: [...tensor.shape],
      params: tensor.params,
      parts: [...tensor.tensors.keys()],
    };
    metadata[`${TENSOR_KEY_PREFIX}${name}`] = JSON.stringify(record);
  }
  return { weights, metadata };
}

/** Writes the compressed file atomically. */
export async function writeCompressedFile(file: string, encoded: ReadonlyMap<string, EncodedTensor>): Promise<void> {
  const { weights, metadata } = compressedFileContents(encoded);
  await writeSafetensorsFile(file, weights, { metadata });
}

function parseRecord(name: string, text: string, file: string): TensorRecord {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new ForgeError(`metadata for '${name}' is not JSON`, { file, cause: error });
  }
  const r = record as Partial<TensorRecord> | null;
  if (
    typeof r?.method !== 'string' ||
    !Array.isArray(r.shape) ||
    typeof r.params !== 'object' ||
    !Array.isArray(r.parts)
  ) {
    throw new ForgeError(`metadata for '${name}' needs method, shape, params and parts`, { file });
  }
  return r as TensorRecord;
}

/** Reads a compressed file back into encoded tensors (weight name → encoded tensor). */
export async function readCompressedFile(file: string): Promise<Map<string, EncodedTensor>> {
  const { weights, metadata } = await readSafetensorsFile(file);
  if (metadata[FORMAT_KEY] !== COMPRESSED_FORMAT) {
    throw new ForgeError(
      `not a compressed model file: ${FORMAT_KEY} is '${metadata[FORMAT_KEY] ?? '(none)'}', expected '${COMPRESSED_FORMAT}'`,
      { file },
    );
  }
  const out = new Map<string, EncodedTensor>();
  for (const [key, text] of Object.entries(metadata)) {
    if (!key.startsWith(TENSOR_KEY_PREFIX)) continue;
    const name = key.slice(TENSOR_KEY_PREFIX.length);
    const record = parseRecord(name, text, file);
    getCompressor(record.method);
    const tensors = new Map<string, HostTensor>();
    for (const part of record.parts) {
      const tensor = weights.get(`${name}/${part}`);
      if (tensor === undefined)
        throw new ForgeError(`tensor '${name}/${part}' named in the metadata is missing`, { file });
      tensors.set(part, tensor);
    }
    out.set(name, { method: record.method, shape: record.shape, params: record.params, tensors });
  }
  return out;
}

/** Decodes one encoded tensor with its registered compressor. */
export function decodeTensor(encoded: EncodedTensor): Float32Array {
  return getCompressor(encoded.method).decode(encoded);
}
