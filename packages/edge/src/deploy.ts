/**
 * The deployable model directory: what a person needs to run the model and nothing else — config,
 * tokenizer, the 2-bit packed weights (which hold the embedding and norms too) and the persona
 * adapters. The F32 latent weights stay behind unless the model has no packed form (no ternary layers):
 * a baked BitNet model runs its adapters beside the packed kernel (`loadBakedEdgeModel`), compression
 * reads the packed file, and `forge export` takes baking's merged checkpoint, not this directory.
 */
import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  ADAPTERS_DIR as CORE_ADAPTERS_DIR,
  CHECKPOINT_FILES,
  copyAdapters,
  loadModelCheckpoint,
  replaceDirectory,
  writePackedWeights,
} from '@agent-forge/core';
import type { BitNetExtension } from '@agent-forge/core';
import { bitnetExtensionOf, readModelConfig } from './packed-model.js';

/** Directory of persona adapters in a baked model (core's `ADAPTERS_DIR`). */
export const ADAPTERS_DIR = CORE_ADAPTERS_DIR;

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** What {@link writeDeployable} put in the deployable directory. */
export interface DeploySummary {
  /** The deployable directory written. */
  readonly dir: string;
  /** Name of the packed weight file, or null for a model without ternary layers. */
  readonly packedFile: string | null;
  /** True when the packed file was written here from latent weights (the input had none). */
  readonly packedWritten: boolean;
  /** True when the input had persona adapters; they were copied to `adapters/`. */
  readonly hasAdapters: boolean;
  /** True when F32 `model.safetensors` was copied: the model has no ternary layers, so no packed form. */
  readonly hasLatentWeights: boolean;
}

async function packInto(source: string, staging: string, extension: BitNetExtension): Promise<boolean> {
  const { packedFile, ternaryLayers } = extension;
  const from = path.join(source, packedFile);
  if (await exists(from)) {
    await copyFile(from, path.join(staging, packedFile));
    return false;
  }
  const { model } = await loadModelCheckpoint(source);
  try {
    await writePackedWeights(path.join(staging, packedFile), model, ternaryLayers, extension.settings.embeddingQuant);
  } finally {
    model.dispose();
  }
  return true;
}

/** Writes (replacing as a whole) the deployable directory `target` from the checkpoint `source`. */
export async function writeDeployable(source: string, target: string): Promise<DeploySummary> {
  const config = await readModelConfig(source);
  const extension = bitnetExtensionOf(config, path.join(source, CHECKPOINT_FILES.config));
  const hasLatentWeights = extension === null;
  let packedWritten = false;
  let hasAdapters = false;
  await replaceDirectory(target, async (staging) => {
    for (const file of [CHECKPOINT_FILES.config, CHECKPOINT_FILES.tokenizer])
      await copyFile(path.join(source, file), path.join(staging, file));
    if (extension) packedWritten = await packInto(source, staging, extension);
    if (hasLatentWeights)
      await copyFile(path.join(source, CHECKPOINT_FILES.weights), path.join(staging, CHECKPOINT_FILES.weights));
    hasAdapters = await copyAdapters(source, staging);
  });
  return { dir: target, packedFile: extension?.packedFile ?? null, packedWritten, hasAdapters, hasLatentWeights };
}
