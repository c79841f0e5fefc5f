/**
 * Which loader serves a model directory, for `forge chat` and `forge serve`: an ordered list, the first
 * whose `detect` accepts the directory wins. Adding a model format (e.g. compressed) is adding an entry.
 */
import path from 'node:path';
import { isCompressedModelDir, loadCompressedBakedModel, loadCompressedModel } from '@agent-forge/compression';
import { ForgeError } from '@agent-forge/core';
import {
  hasAdapters,
  hasFloatWeights,
  hasPackedWeights,
  loadBakedEdgeModel,
  loadDequantizedEdgeModel,
  loadFloatEdgeModel,
  loadPackedEdgeModel,
} from '@agent-forge/edge';
import type { EdgeModel } from '@agent-forge/edge';

/**
 * A compressed model (phase 8), decoded to float weights at load time; one compressed from a baked model
 * keeps its adapters and switches persona as a baked model does.
 */
async function loadCompressedEdgeModel(dir: string, options: LoadModelOptions): Promise<EdgeModel> {
  const id = path.basename(path.resolve(dir));
  if (await hasAdapters(dir)) {
    const baked = await loadCompressedBakedModel(
      dir,
      options.persona === undefined ? {} : { persona: options.persona },
    );
    const { model, tokenizer, personas } = baked;
    return { id, model, tokenizer, kind: 'baked', personas, usePersona: baked.usePersona, dispose: baked.dispose };
  }
  const { model, tokenizer } = await loadCompressedModel(dir);
  return { id, model, tokenizer, kind: 'float', personas: [], dispose: () => model.dispose() };
}

/** How `loadEdgeModel` loads a directory. */
export interface LoadModelOptions {
  /** Persona active from the start (baked models and compressed ones made from them). */
  readonly persona?: string;
  /** Run ternary layers as dequantized F32 on the backend instead of the packed kernel (baked models too). */
  readonly float?: boolean;
}

/** One way to load a model directory: an entry of {@link MODEL_LOADERS}. */
export interface ModelLoader {
  /** Its name in messages (`compressed`, `baked`, `bitnet-packed`, `checkpoint`). */
  readonly name: string;
  /** Whether this loader serves `dir`; cheap (file checks, config read). */
  detect(dir: string): Promise<boolean>;
  /** Loads `dir` (after `detect` accepted it). */
  load(dir: string, options: LoadModelOptions): Promise<EdgeModel>;
}

/** The loaders, in priority order: the first whose `detect` accepts a directory loads it. */
export const MODEL_LOADERS: ModelLoader[] = [
  { name: 'compressed', detect: isCompressedModelDir, load: loadCompressedEdgeModel },
  {
    name: 'baked',
    detect: hasAdapters,
    load: (dir, options) => loadBakedEdgeModel(dir, { persona: options.persona, float: options.float }),
  },
  {
    name: 'bitnet-packed',
    detect: hasPackedWeights,
    load: (dir, options) => (options.float ? loadDequantizedEdgeModel(dir) : loadPackedEdgeModel(dir)),
  },
  { name: 'checkpoint', detect: hasFloatWeights, load: (dir) => loadFloatEdgeModel(dir) },
];

/** Loads `dir` with the first loader that accepts it; a directory none accepts is a ForgeError. */
export async function loadEdgeModel(dir: string, options: LoadModelOptions = {}): Promise<EdgeModel> {
  for (const loader of MODEL_LOADERS) {
    if (!(await loader.detect(dir))) continue;
    if (options.persona !== undefined && !(await hasAdapters(dir))) {
      throw new ForgeError(
        `--persona needs a baked model (with adapters/), but ${dir} is a ${loader.name} model without adapters`,
        { field: 'persona' },
      );
    }
    return loader.load(dir, options);
  }
  throw new ForgeError(
    `${dir} is not a model directory: expected config.json with model.safetensors, a packed file (model.packed.safetensors) or a compressed file (model.compressed.safetensors), or a baked model with adapters/`,
    { file: dir },
  );
}
