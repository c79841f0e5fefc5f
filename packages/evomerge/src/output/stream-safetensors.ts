import { open } from 'node:fs/promises';
import {
  DTYPE_BYTES,
  ForgeError,
  elementCount,
  formatShape,
  sameShape,
  type Dtype,
  type HostTensor,
} from '@agent-forge/core';
import type { PlannedTensor } from '../plan/planned-tensor.js';

/**
 * Writing a safetensors file tensor by tensor: the header is computed from the plan (names, dtypes,
 * shapes), written first, and then each tensor is produced and appended, so the merged model is
 * never held in memory whole. Layout as core's writer (widest dtype first, then name; header padded
 * to 8 bytes), so the file is byte-identical to `encodeSafetensors` of the same tensors.
 */

const DTYPE_RANK: Readonly<Record<Dtype, number>> = { U8: 0, I8: 1, F16: 2, BF16: 3, I32: 4, F32: 5 };
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** What {@link writeSafetensorsStream} wrote. */
export interface StreamWriteStats {
  /** Number of tensors written. */
  readonly tensors: number;
  /** Size of the file in bytes: the 8-byte length prefix and padded header plus all tensor data. */
  readonly bytes: number;
}

/** Write `tensors` to `file` (which must not be in use) and fsync it. */
export async function writeSafetensorsStream(
  file: string,
  tensors: readonly PlannedTensor[],
  metadata: Readonly<Record<string, string>>,
): Promise<StreamWriteStats> {
  if (!HOST_IS_LITTLE_ENDIAN) throw new ForgeError('streamed safetensors writing needs a little-endian host');
  const ordered = [...tensors].sort(
    (a, b) => DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)),
  );
  const header = encodeHeader(ordered, metadata);
  const handle = await open(file, 'w');
  let bytes = header.length;
  try {
    await handle.write(header);
    for (const planned of ordered) {
      const tensor = await planned.produce();
      checkProduced(planned, tensor);
      await handle.write(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
      bytes += tensor.data.byteLength;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { tensors: ordered.length, bytes };
}

function checkProduced(planned: PlannedTensor, tensor: HostTensor): void {
  if (tensor.dtype !== planned.dtype || !sameShape(tensor.shape, planned.shape)) {
    throw new ForgeError(
      `internal: tensor '${planned.name}' was planned as ${planned.dtype} ${formatShape(planned.shape)} but produced ${tensor.dtype} ${formatShape(tensor.shape)}`,
    );
  }
}

function encodeHeader(ordered: readonly PlannedTensor[], metadata: Readonly<Record<string, string>>): Uint8Array {
  const keys = Object.keys(metadata).sort();
  const members = [
    `"__metadata__":{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(metadata[key])}`).join(',')}}`,
  ];
  let offset = 0;
  for (const tensor of ordered) {
    const end = offset + (elementCount(tensor.shape) ?? 0) * DTYPE_BYTES[tensor.dtype];
    members.push(
      `${JSON.stringify(tensor.name)}:${JSON.stringify({ dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, end] })}`,
    );
    offset = end;
  }
  const json = new TextEncoder().encode(`{${members.join(',')}}`);
  const padded = new Uint8Array(8 + Math.ceil(json.length / 8) * 8).fill(0x20);
  new DataView(padded.buffer).setBigUint64(0, BigInt(padded.length - 8), true);
  padded.set(json, 8);
  return padded;
}
