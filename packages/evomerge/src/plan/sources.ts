import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  CHECKPOINT_FILES,
  ForgeError,
  openSafetensorsFile,
  type Dtype,
  type HostTensor,
  type LazySafetensors,
  type WeightMap,
} from '@agent-forge/core';

/** What the planner knows about a tensor before reading it. */
export interface TensorInfo {
  /** Tensor name, e.g. `blocks.0.attn.q.weight`. */
  readonly name: string;
  /** Stored dtype; only float dtypes (F32, F16, BF16) can be merged. */
  readonly dtype: Dtype;
  /** Stored shape. */
  readonly shape: readonly number[];
}

/**
 * A model's weights, readable one tensor at a time: a safetensors file opened lazily (only its
 * header is in memory) or a weight map already in memory (the evolutionary search merges those).
 */
export interface TensorSource {
  /** The model reference, for messages. */
  readonly label: string;
  /** Every tensor the model has, known without reading data (from the safetensors header or the map). */
  readonly tensors: readonly TensorInfo[];
  /** The tensor's data; may be the source's own array, so treat it as read-only. */
  read(name: string): Promise<HostTensor>;
  /** Releases the file handle (a no-op for in-memory sources); call once when the merge is done. */
  close(): Promise<void>;
}

/** A {@link TensorSource} over an in-memory weight map; `read` returns the map's own tensors (no copy). `label` names the model in errors. */
export function weightMapSource(label: string, weights: WeightMap): TensorSource {
  return {
    label,
    tensors: [...weights].map(([name, tensor]) => ({ name, dtype: tensor.dtype, shape: tensor.shape })),
    read: (name) => {
      const tensor = weights.get(name);
      return tensor === undefined
        ? Promise.reject(new ForgeError(`model '${label}' has no tensor '${name}'`))
        : Promise.resolve(tensor);
    },
    close: () => Promise.resolve(),
  };
}

/** Opens the .safetensors `file` as a {@link TensorSource}: only the header is read now, each tensor on `read`. Close it when done. */
export async function safetensorsSource(label: string, file: string): Promise<TensorSource> {
  const reader = await openSafetensorsFile(file);
  return {
    label,
    tensors: reader.entries.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
    read: (name) => reader.readTensor(name),
    close: () => reader.close(),
  };
}

/** The index file of a sharded Hugging Face checkpoint (`weight_map`: tensor name → shard file). */
export const SHARD_INDEX_FILE = 'model.safetensors.index.json';

/**
 * Opens a sharded Hugging Face checkpoint (`model-0000N-of-0000M.safetensors` files listed by
 * `model.safetensors.index.json`) as one {@link TensorSource}: every shard's header is read now, each
 * tensor from its shard on `read`. The index must name only files beside it, and each shard must hold
 * the tensors the index puts there.
 */
export async function shardedSafetensorsSource(label: string, indexFile: string): Promise<TensorSource> {
  const weightMap = await readShardIndex(indexFile);
  const readers = new Map<string, LazySafetensors>();
  try {
    const tensors: TensorInfo[] = [];
    for (const [name, shard] of weightMap) {
      let reader = readers.get(shard);
      if (reader === undefined) {
        reader = await openSafetensorsFile(path.join(path.dirname(indexFile), shard));
        readers.set(shard, reader);
      }
      const entry = reader.entry(name);
      if (entry === undefined)
        throw new ForgeError(`the index puts tensor '${name}' in ${shard}, which does not hold it`, {
          file: indexFile,
        });
      tensors.push({ name, dtype: entry.dtype, shape: entry.shape });
    }
    return {
      label,
      tensors,
      read: (name) => {
        const reader = readers.get(weightMap.get(name) ?? '');
        return reader === undefined
          ? Promise.reject(new ForgeError(`model '${label}' has no tensor '${name}'`))
          : reader.readTensor(name);
      },
      close: async () => {
        for (const reader of readers.values()) await reader.close();
      },
    };
  } catch (error) {
    for (const reader of readers.values()) await reader.close();
    throw error;
  }
}

/** The `weight_map` of a shard index (tensor name → shard file beside it), checked; errors name the index file. */
export async function readShardIndex(indexFile: string): Promise<Map<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(indexFile, 'utf8'));
  } catch (error) {
    throw new ForgeError(`cannot read the shard index: ${(error as Error).message}`, { file: indexFile, cause: error });
  }
  const weightMap = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new ForgeError('the shard index has no `weight_map` object', { file: indexFile, field: 'weight_map' });
  }
  const entries = Object.entries(weightMap as Record<string, unknown>);
  for (const [name, shard] of entries) {
    if (typeof shard !== 'string' || shard !== path.basename(shard) || !shard.endsWith('.safetensors')) {
      throw new ForgeError(
        `tensor '${name}' maps to ${JSON.stringify(shard)}: expected a .safetensors file beside the index`,
        { file: indexFile, field: `weight_map.${name}` },
      );
    }
  }
  return new Map(entries as [string, string][]);
}

/**
 * Where a model reference points: a checkpoint directory — TinyTitan's or Hugging Face's, holding
 * `model.safetensors` or a sharded `model.safetensors.index.json` — or a single .safetensors file.
 */
export interface ResolvedModel {
  /** The single weights file, when the model is not sharded. */
  readonly weightsFile?: string;
  /** The shard index, when the model is a sharded Hugging Face checkpoint. */
  readonly shardIndex?: string;
  /** The checkpoint directory, when the reference is one (config.json and tokenizer files live there). */
  readonly checkpointDir?: string;
}

/** Where model reference `reference` (resolved against `cwd`, as mergekit resolves local paths) points; a missing path, or a directory without weights, is a ForgeError naming it. */
export async function resolveModel(reference: string, cwd: string): Promise<ResolvedModel> {
  const resolved = path.resolve(cwd, reference);
  const info = await stat(resolved).catch(() => undefined);
  if (info === undefined) throw new ForgeError(`model '${reference}' not found (looked for ${resolved})`);
  if (!info.isDirectory()) return { weightsFile: resolved };
  const exists = async (name: string): Promise<boolean> =>
    (await stat(path.join(resolved, name)).catch(() => undefined)) !== undefined;
  if (await exists(CHECKPOINT_FILES.weights))
    return { weightsFile: path.join(resolved, CHECKPOINT_FILES.weights), checkpointDir: resolved };
  if (await exists(SHARD_INDEX_FILE))
    return { shardIndex: path.join(resolved, SHARD_INDEX_FILE), checkpointDir: resolved };
  throw new ForgeError(
    `model '${reference}' is a directory with neither ${CHECKPOINT_FILES.weights} nor ${SHARD_INDEX_FILE}`,
    { file: resolved },
  );
}

/** The {@link TensorSource} of a resolved model reference (single file or shards), opened lazily. */
export function openModelSource(label: string, model: ResolvedModel): Promise<TensorSource> {
  return model.shardIndex === undefined
    ? safetensorsSource(label, model.weightsFile as string)
    : shardedSafetensorsSource(label, model.shardIndex);
}
