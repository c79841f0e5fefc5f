/**
 * Loading a model with its LoRA adapters for inference (a baked model): the base checkpoint (with its own
 * extensions, e.g. titan or bitnet) plus LoRA slots on every layer an adapter targets, and every adapter
 * in `adapters/`. `usePersona(name)` switches adapters without reloading anything; `usePersona(null)` is the base.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { tf } from '../backend/tf.js';
import { loadModelCheckpoint } from '../checkpoint/model-checkpoint.js';
import type { BpeTokenizer } from '../data/tokenizer/bpe-tokenizer.js';
import { ForgeError } from '../errors.js';
import { buildModel } from '../model/extensions.js';
import type { TinyTitan } from '../model/model.js';
import { ADAPTER_EXTENSION, readAdapterFile, type AdapterFileInfo } from './adapter-file.js';
import { ADAPTERS_DIR } from './adapter-folder.js';
import { LoraAdapters } from './adapters.js';
import { loraExtension } from './extension.js';

/** A checkpoint loaded by {@link loadModelWithAdapters}, with every adapter ready to switch to. */
export interface ModelWithAdapters {
  /** The base model with LoRA slots; generate with it as with any model (the active persona applies). */
  readonly model: TinyTitan;
  /** The checkpoint's tokenizer. */
  readonly tokenizer: BpeTokenizer;
  /** Names of the loaded adapters, sorted. */
  readonly personas: string[];
  /** Activates persona `name`, or the base model with null; an unknown name is a ForgeError listing the available ones. */
  usePersona(name: string | null): void;
  /** Frees the adapters and the model. */
  dispose(): void;
}

/**
 * Loads the base model of a baked directory with `lora` (the LoRA slots' extension record) added to its
 * extensions. The default reads the F32 `model.safetensors`; edge passes one that serves the ternary
 * layers from the packed file, so a baked BitNet model keeps the packed kernel.
 */
export type AdapterBaseLoader = (
  dir: string,
  lora: ReturnType<typeof loraExtension>,
) => Promise<{
  /** The base model built with the `lora` extension (its slots empty). */
  model: TinyTitan;
  /** The directory's tokenizer. */
  tokenizer: BpeTokenizer;
}>;

const loadFloatBase: AdapterBaseLoader = (dir, lora) =>
  loadModelCheckpoint(dir, { build: (config, extensions) => buildModel(config, { ...extensions, lora }) });

async function readAdapters(
  dir: string,
): Promise<{ file: string; info: AdapterFileInfo; tensors: Map<string, tf.Tensor> }[]> {
  const folder = path.join(dir, ADAPTERS_DIR);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => name.endsWith(ADAPTER_EXTENSION)).sort();
  } catch (error) {
    throw new ForgeError(`no ${ADAPTERS_DIR}/ folder: ${dir} is not a baked model (run the baking phase)`, {
      file: folder,
      cause: error,
    });
  }
  if (names.length === 0) throw new ForgeError(`no adapters (*${ADAPTER_EXTENSION}) in ${folder}`, { file: folder });
  const files = [];
  for (const name of names) {
    const file = path.join(folder, name);
    files.push({ file, ...(await readAdapterFile(file)) });
  }
  return files;
}

function addAll(adapters: LoraAdapters, files: Awaited<ReturnType<typeof readAdapters>>): void {
  const seen = new Set<string>();
  for (const { file, info, tensors } of files) {
    if (seen.has(info.name)) throw new ForgeError(`two adapter files name the persona '${info.name}'`, { file });
    seen.add(info.name);
    adapters.addFromTensors(info, tensors, file);
  }
}

/**
 * Loads the checkpoint in `dir` with every adapter of `dir/adapters/`, `options.persona` active
 * (default: none, the base model).
 * @example
 * const baked = await loadModelWithAdapters('runs/r1/06-baking/model', { persona: 'math' });
 * const { tokens } = await generate(baked.model, baked.tokenizer.encode('Question: 2+2?\nAnswer:'), { maxNewTokens: 16 });
 * baked.usePersona(null); // the base model
 * baked.dispose();
 */
export async function loadModelWithAdapters(
  dir: string,
  options: {
    /** Persona active from the start; default none (the base model). */
    persona?: string;
    /** How the base model is loaded; default the F32 checkpoint. */
    loadBase?: AdapterBaseLoader;
  } = {},
): Promise<ModelWithAdapters> {
  const files = await readAdapters(dir);
  try {
    const targets = [...new Set(files.flatMap(({ info }) => info.targetLayers))];
    const { model, tokenizer } = await (options.loadBase ?? loadFloatBase)(dir, loraExtension(targets));
    const adapters = LoraAdapters.of(model);
    try {
      addAll(adapters, files);
      if (options.persona !== undefined) adapters.activate(options.persona);
    } catch (error) {
      adapters.dispose();
      model.dispose();
      throw error;
    }
    return {
      model,
      tokenizer,
      personas: [...adapters.names].sort(),
      usePersona: (name) => adapters.activate(name),
      dispose: () => {
        adapters.dispose();
        model.dispose();
      },
    };
  } finally {
    for (const { tensors } of files) for (const tensor of tensors.values()) tensor.dispose();
  }
}
