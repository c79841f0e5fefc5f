/**
 * Turning a model directory into an `EdgeModel`: the packed kernel for BitNet directories, and core's
 * loaders for float checkpoints, dequantized packed ones and baked models with adapters.
 */
import path from 'node:path';
import {
  CHECKPOINT_FILES,
  hasAdapters as coreHasAdapters,
  loadModelCheckpoint,
  loadModelWithAdapters,
  loadPackedModel,
} from '@agent-forge/core';
import type { AdapterBaseLoader } from '@agent-forge/core';
import { exists } from './deploy.js';
import type { EdgeModel } from './edge-model.js';
import { bitnetExtensionOf, loadPackedKernelModel, readModelConfig } from './packed-model.js';

/** The name a model is served under: its directory's name. */
export function modelIdOf(dir: string): string {
  return path.basename(path.resolve(dir));
}

/** True when `dir` has a config naming ternary layers and the packed file they live in. */
export async function hasPackedWeights(dir: string): Promise<boolean> {
  if (!(await exists(path.join(dir, CHECKPOINT_FILES.config)))) return false;
  const extension = bitnetExtensionOf(await readModelConfig(dir));
  return extension !== null && exists(path.join(dir, extension.packedFile));
}

/** True when `dir` has an `adapters/` folder, i.e. is a baked model to load with {@link loadBakedEdgeModel} (core's `hasAdapters`). */
export const hasAdapters: (dir: string) => Promise<boolean> = coreHasAdapters;

/** True when `dir` has `config.json` and F32 `model.safetensors`, so {@link loadFloatEdgeModel} can load it. */
export async function hasFloatWeights(dir: string): Promise<boolean> {
  return (await exists(path.join(dir, CHECKPOINT_FILES.config))) && exists(path.join(dir, CHECKPOINT_FILES.weights));
}

/** A BitNet directory on the packed ternary kernel. */
export async function loadPackedEdgeModel(dir: string, id = modelIdOf(dir)): Promise<EdgeModel> {
  const { model, tokenizer } = await loadPackedKernelModel(dir);
  return { id, model, tokenizer, kind: 'packed-ternary', personas: [], dispose: () => model.dispose() };
}

/** A BitNet directory with its ternary weights dequantized to F32 (the backend's matmul). */
export async function loadDequantizedEdgeModel(dir: string, id = modelIdOf(dir)): Promise<EdgeModel> {
  const { model, tokenizer } = await loadPackedModel(dir);
  return { id, model, tokenizer, kind: 'float', personas: [], dispose: () => model.dispose() };
}

/** A plain checkpoint (`model.safetensors`), any registered extension included. */
export async function loadFloatEdgeModel(dir: string, id = modelIdOf(dir)): Promise<EdgeModel> {
  const { model, tokenizer } = await loadModelCheckpoint(dir);
  return { id, model, tokenizer, kind: 'float', personas: [], dispose: () => model.dispose() };
}

/** How a baked directory's base model loads: packed kernel or dequantized packed file when it has one, else F32. */
async function bakedBaseLoader(dir: string, float: boolean): Promise<AdapterBaseLoader | undefined> {
  if (!(await hasPackedWeights(dir))) return undefined;
  return float
    ? (base, lora) => loadPackedModel(base, { extensions: { lora } })
    : (base, lora) => loadPackedKernelModel(base, { extensions: { lora } });
}

/**
 * A baked model with its persona adapters (`persona` active from the start, if given). A BitNet base with
 * its packed file runs packed: each adapter's two small float matmuls beside the ternary kernel; with
 * `float`, its ternary layers run dequantized (W_q·γ in F32) as {@link loadDequantizedEdgeModel} runs them.
 */
export async function loadBakedEdgeModel(
  dir: string,
  options: {
    /** Persona active from the start; default none (the base model). */
    persona?: string;
    /** Ternary layers dequantized to F32 on the backend instead of the packed kernel. */
    float?: boolean;
  } = {},
  id = modelIdOf(dir),
): Promise<EdgeModel> {
  const loadBase = await bakedBaseLoader(dir, options.float ?? false);
  const baked = await loadModelWithAdapters(dir, {
    ...(options.persona === undefined ? {} : { persona: options.persona }),
    ...(loadBase === undefined ? {} : { loadBase }),
  });
  return {
    id,
    model: baked.model,
    tokenizer: baked.tokenizer,
    kind: 'baked',
    personas: [...baked.personas],
    usePersona: (name) => baked.usePersona(name),
    dispose: () => baked.dispose(),
  };
}
