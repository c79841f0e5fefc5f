import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DTYPE_BYTES, elementCount, writeJsonAtomic } from '@agent-forge/core';
import type { PlannedTensor } from '../plan/planned-tensor.js';
import { SHARD_INDEX_FILE, readShardIndex } from '../plan/sources.js';
import { writeSafetensorsStream, type StreamWriteStats } from './stream-safetensors.js';

/**
 * Writing the merged weights as a sharded Hugging Face checkpoint, as the primary input was stored:
 * tensors in plan order (embeddings, blocks, head) are dealt into `model-0000N-of-0000M.safetensors`
 * files of at most `maxShardBytes` of tensor data each (a larger tensor gets a file of its own), each
 * streamed tensor by tensor, then `model.safetensors.index.json` maps every tensor to its file.
 */
export async function writeShardedSafetensors(
  dir: string,
  tensors: readonly PlannedTensor[],
  metadata: Readonly<Record<string, string>>,
  maxShardBytes: number,
): Promise<StreamWriteStats> {
  const groups: PlannedTensor[][] = [];
  let size = Infinity;
  for (const tensor of tensors) {
    const bytes = tensorBytes(tensor);
    if (size + bytes > maxShardBytes || groups.length === 0) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1]?.push(tensor);
    size += bytes;
  }
  const weightMap: Record<string, string> = {};
  let total = { tensors: 0, bytes: 0 };
  for (const [index, group] of groups.entries()) {
    const file = `model-${String(index + 1).padStart(5, '0')}-of-${String(groups.length).padStart(5, '0')}.safetensors`;
    const stats = await writeSafetensorsStream(path.join(dir, file), group, metadata);
    for (const tensor of group) weightMap[tensor.name] = file;
    total = { tensors: total.tensors + stats.tensors, bytes: total.bytes + stats.bytes };
  }
  const dataBytes = tensors.reduce((sum, tensor) => sum + tensorBytes(tensor), 0);
  await writeJsonAtomic(path.join(dir, SHARD_INDEX_FILE), {
    metadata: { total_size: dataBytes },
    weight_map: weightMap,
  });
  return total;
}

/** The tensor-data size of the largest shard of a sharded checkpoint (its file sizes; headers are small next to the data). */
export async function largestShardBytes(indexFile: string): Promise<number> {
  const shards = new Set((await readShardIndex(indexFile)).values());
  let largest = 0;
  for (const shard of shards) largest = Math.max(largest, (await stat(path.join(path.dirname(indexFile), shard))).size);
  return largest;
}

function tensorBytes(tensor: PlannedTensor): number {
  return (elementCount(tensor.shape) ?? 0) * DTYPE_BYTES[tensor.dtype];
}
