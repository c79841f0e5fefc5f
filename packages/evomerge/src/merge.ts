import path from 'node:path';
import {
  CHECKPOINT_FILES,
  DTYPE_BYTES,
  elementCount,
  replaceDirectory,
  type Dtype,
  type WeightMap,
} from '@agent-forge/core';
import { parseMergeConfig } from './config/parse.js';
import { OUTPUT_DTYPES, type MergeConfig, type MergeConfigInput } from './config/schema.js';
import { collectWeights } from './output/merge-weights.js';
import { writeSafetensorsStream } from './output/stream-safetensors.js';
import { largestShardBytes, writeShardedSafetensors } from './output/write-shards.js';
import { assertReplaceableOutput, checkSameTokenizer, writeCompanionFiles } from './output/write-checkpoint.js';
import { planMerge, referencedModels } from './plan/plan-merge.js';
import {
  openModelSource,
  resolveModel,
  weightMapSource,
  type ResolvedModel,
  type TensorSource,
} from './plan/sources.js';

/** What {@link mergeCheckpoints} did, for a one-line report (`forge merge` prints it). */
export interface MergeSummary {
  /** The config's `merge_method`, as written (an alias stays an alias). */
  readonly method: string;
  /** Absolute path of the checkpoint directory written. */
  readonly outDir: string;
  /** Number of tensors in the merged model (model.safetensors, or its shards). */
  readonly tensors: number;
  /** Blocks in the merged model (differs from the inputs' for frankenmerge/dfs). */
  readonly layerCount: number;
  /** Tensor data read from the input files (each model's whole weights file). */
  readonly bytesRead: number;
  /** Bytes of the merged weights file(s). */
  readonly bytesWritten: number;
}

/**
 * Merge the models a config names (TinyTitan or Hugging Face checkpoint directories — single
 * model.safetensors or sharded with model.safetensors.index.json — or .safetensors files) into the
 * checkpoint directory `outDir`: model.safetensors streamed tensor by tensor (at most one tensor of
 * each model in memory; tensor names and layouts as the inputs'; sharded like the primary model when
 * it is sharded, shards no larger than its largest), plus the primary model's config.json (depth
 * updated) and tokenizer files. The directory is swapped in whole, so an
 * interrupted merge leaves no half-written output.
 */
export async function mergeCheckpoints(
  input: MergeConfigInput | MergeConfig,
  options: { outDir: string; cwd?: string; configFile?: string },
): Promise<MergeSummary> {
  const config = parseMergeConfig(input, { file: options.configFile });
  const cwd = options.cwd ?? process.cwd();
  const resolved = new Map<string, ResolvedModel>();
  for (const model of referencedModels(config)) resolved.set(model, await resolveModel(model, cwd));
  await assertReplaceableOutput(options.outDir, resolved.values());
  await checkSameTokenizer(resolved);
  const sources = new Map<string, TensorSource>();
  try {
    for (const [model, location] of resolved) sources.set(model, await openModelSource(model, location));
    const plan = planMerge(config, sources);
    const metadata = { format: 'pt', merge_method: config.merge_method, merge_config: JSON.stringify(config) };
    let stats = { tensors: 0, bytes: 0 };
    await replaceDirectory(options.outDir, async (staging) => {
      const primary = resolved.get(plan.primaryModel) as ResolvedModel;
      stats =
        primary.shardIndex === undefined
          ? await writeSafetensorsStream(path.join(staging, CHECKPOINT_FILES.weights), plan.tensors, metadata)
          : await writeShardedSafetensors(staging, plan.tensors, metadata, await largestShardBytes(primary.shardIndex));
      await writeCompanionFiles(
        staging,
        resolved.get(plan.primaryModel) as ResolvedModel,
        plan,
        torchDtypeName(config),
      );
    });
    const bytesRead = [...sources.values()].reduce(
      (sum, source) => sum + source.tensors.reduce((s, t) => s + byteSize(t.shape, t.dtype), 0),
      0,
    );
    return {
      method: config.merge_method,
      outDir: path.resolve(options.outDir),
      tensors: stats.tensors,
      layerCount: plan.layerCount,
      bytesRead,
      bytesWritten: stats.bytes,
    };
  } finally {
    for (const source of sources.values()) await source.close();
  }
}

/** Merge weight maps already in memory (keys are the model references the config uses). */
export async function mergeWeightMaps(
  input: MergeConfigInput | MergeConfig,
  models: ReadonlyMap<string, WeightMap>,
): Promise<WeightMap> {
  const config = parseMergeConfig(input);
  const sources = new Map([...models].map(([name, weights]) => [name, weightMapSource(name, weights)]));
  return collectWeights(planMerge(config, sources));
}

/** mergekit's spelling of the output dtype, for a Hugging Face config's `torch_dtype`. */
function torchDtypeName(config: MergeConfig): string | undefined {
  const dtype = config.out_dtype ?? config.dtype;
  if (dtype === undefined) return undefined;
  return { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[OUTPUT_DTYPES[dtype]];
}

function byteSize(shape: readonly number[], dtype: Dtype): number {
  return (elementCount(shape) ?? 0) * DTYPE_BYTES[dtype];
}
