import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CHECKPOINT_FILES, ForgeError, openSafetensorsFile, type Dtype, type HostTensor, type WeightMap } from '@agent-forge/core';

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
      return tensor === undefined ? Promise.reject(new ForgeError(`model '${label}' has no tensor '${name}'`)) : Promise.resolve(tensor);
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

/** Where a model reference points: a checkpoint directory (its model.safetensors) or a .safetensors file. */
export interface ResolvedModel {
  readonly weightsFile: string;
  /** The checkpoint directory, when the reference is one (config.json and tokenizer.json live there). */
  readonly checkpointDir?: string;
}

export async function resolveModel(reference: string, cwd: string): Promise<ResolvedModel> {
  const resolved = path.resolve(cwd, reference);
  const info = await stat(resolved).catch(() => undefined);
  if (info === undefined) throw new ForgeError(`model '${reference}' not found (looked for ${resolved})`);
  if (!info.isDirectory()) return { weightsFile: resolved };
  const weightsFile = path.join(resolved, CHECKPOINT_FILES.weights);
  if ((await stat(weightsFile).catch(() => undefined)) === undefined) {
    throw new ForgeError(`model '${reference}' is a directory without ${CHECKPOINT_FILES.weights}`, { file: resolved });
  }
  return { weightsFile, checkpointDir: resolved };
}
