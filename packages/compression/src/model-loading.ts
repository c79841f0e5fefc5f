/**
 * Loading models in and out of the phase. A compressed checkpoint directory holds config.json (the
 * input's extensions plus `extensions.compression`), tokenizer.json and model.compressed.safetensors;
 * it has no model.safetensors. `loadCompressedModel` decodes every tensor at load time into a plain
 * TinyTitan that core's `generate` runs. BitNet layers run as core's packed loader runs them: the
 * decoded weight (W_q·γ when stored losslessly) behind BitLinear's activation quantizer. A baked input's
 * `adapters/` are copied into the output as they are, and `loadCompressedBakedModel` loads them with core's
 * adapter loader over the decoded base, so the final model switches persona as a baked one does.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CHECKPOINT_FILES,
  ForgeError,
  ModelCheckpointConfigSchema,
  PACKED_FILE,
  buildModel,
  buildModelWithWeights,
  frozenBitNetExtension as coreFrozenBitNetExtension,
  hasAdapters,
  loadModelCheckpoint,
  loadModelWithAdapters,
  loadPackedModel,
  loadTokenizer,
  measurementPersona,
  parseBitNetExtension,
  parseConfig,
  registerModelExtension,
  tf,
} from '@agent-forge/core';
import type {
  BpeTokenizer,
  ModelCheckpointConfig,
  ModelExtension,
  ModelWithAdapters,
  RegisteredModelExtension,
  TinyTitan,
} from '@agent-forge/core';
import { z } from 'zod';
import type { EncodedTensor } from './compressor.js';
import { COMPRESSED_FILE, decodeTensor, readCompressedFile } from './format.js';

/** What `extensions.compression` records: the file and the method each weight was stored with. */
export const CompressionExtensionSchema = z.object({
  /** Format version of this record; only 1 exists. */
  version: z.literal(1),
  /** The compressed weights file, relative to the checkpoint directory (normally `model.compressed.safetensors`). */
  file: z.string().min(1),
  /** Weight name → name of the compressor it is stored with (e.g. `ternary-base3`, `fp16`, `seedlm`). */
  methods: z.record(z.string(), z.string()),
});
/** The parsed `extensions.compression` record: `{ version: 1, file, methods }` (methods: weight name → compressor name). */
export type CompressionExtension = z.output<typeof CompressionExtensionSchema>;

/**
 * The `compression` model extension: the architecture is unchanged (identity plan); registering it
 * lets a checkpoint that names it be built, with weights coming from the compressed file.
 */
export const compressionModelExtension: RegisteredModelExtension = {
  name: 'compression',
  displayName: 'Compressed weights',
  referenceUrl: 'https://huggingface.co/docs/safetensors/index',
  order: 1000,
  packageName: '@agent-forge/compression',
  plan: (plan, value) => {
    parseConfig(CompressionExtensionSchema, value, { prefix: 'extensions.compression' });
    return plan;
  },
};
registerModelExtension(compressionModelExtension);

/** @deprecated Moved to @agent-forge/core (the loaders share one); import `frozenBitNetExtension` from there. */
export const frozenBitNetExtension = coreFrozenBitNetExtension;

async function readCheckpointConfig(dir: string): Promise<ModelCheckpointConfig> {
  const file = path.join(dir, CHECKPOINT_FILES.config);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ForgeError('cannot read the checkpoint config', { file, cause: error });
  }
  return parseConfig(ModelCheckpointConfigSchema, JSON.parse(text) as unknown, { file });
}

/** Whether `dir` is a compressed checkpoint (config names `extensions.compression` and its file exists). */
export async function isCompressedModelDir(dir: string): Promise<boolean> {
  try {
    const config = JSON.parse(await readFile(path.join(dir, CHECKPOINT_FILES.config), 'utf8')) as {
      extensions?: { compression?: { file?: unknown } };
    };
    const file = config.extensions?.compression?.file;
    if (typeof file !== 'string') return false;
    await access(path.join(dir, file));
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the model `config` describes (BitNet layers frozen), with `extensions` added to the config's own
 * (e.g. `lora` for a baked model's adapter slots), and loads `weights` into it.
 */
export function modelFromDecoded(
  config: ModelCheckpointConfig,
  weights: ReadonlyMap<string, { shape: readonly number[]; values: Float32Array }>,
  file: string,
  extensions: Record<string, unknown> = {},
): TinyTitan {
  const replace: Record<string, ModelExtension> = {};
  if (config.extensions.bitnet !== undefined)
    replace.bitnet = coreFrozenBitNetExtension(parseBitNetExtension(config.extensions.bitnet));
  const tensors = new Map([...weights].map(([name, w]) => [name, tf.tensor(w.values, [...w.shape], 'float32')]));
  return buildModelWithWeights(config.model, { ...config.extensions, ...extensions }, tensors, {
    replace,
    file,
    label: 'decoded weights',
  });
}

/** Decodes every tensor of a compressed file (weight name → shape and values). */
export function decodeAll(encoded: ReadonlyMap<string, EncodedTensor>): Map<
  string,
  {
    /** The weight's original shape. */
    shape: readonly number[];
    /** Its decoded values, row-major, as many as the shape holds. */
    values: Float32Array;
  }
> {
  return new Map([...encoded].map(([name, tensor]) => [name, { shape: tensor.shape, values: decodeTensor(tensor) }]));
}

/**
 * Loads a compressed checkpoint directory: decodes every tensor at load time (nothing stays
 * compressed in memory) into a TinyTitan that `generate` runs. The base model only: a compressed baked
 * model's adapters load with `loadCompressedBakedModel`.
 */
export async function loadCompressedModel(
  dir: string,
  options: {
    /** Extensions to build with besides the checkpoint's own, e.g. `lora` for a baked model's adapter slots. */
    extensions?: Record<string, unknown>;
  } = {},
): Promise<{
  /** A plain TinyTitan holding the decoded weights (BitNet layers frozen); owned by the caller. */
  model: TinyTitan;
  /** The checkpoint's tokenizer. */
  tokenizer: BpeTokenizer;
  /** The checkpoint's parsed config.json, `extensions.compression` included. */
  config: ModelCheckpointConfig;
}> {
  const config = await readCheckpointConfig(dir);
  const extension = parseConfig(CompressionExtensionSchema, config.extensions.compression, {
    prefix: 'extensions.compression',
    file: path.join(dir, CHECKPOINT_FILES.config),
  });
  const file = path.join(dir, extension.file);
  const model = modelFromDecoded(config, decodeAll(await readCompressedFile(file)), file, options.extensions);
  return { model, tokenizer: await loadTokenizer(path.join(dir, CHECKPOINT_FILES.tokenizer)), config };
}

/** The phase's input, loaded: a baked one with its adapters and core's `measurementPersona` active. */
export interface InputModel {
  /** The input model; a BitNet one with its ternary weights unpacked to W_q·γ. Its `namedWeights()` are the base weights only. */
  readonly model: TinyTitan;
  /** The input checkpoint's tokenizer. */
  readonly tokenizer: BpeTokenizer;
  /** The input checkpoint's parsed config.json. */
  readonly config: ModelCheckpointConfig;
  /** Path of the weights file that was read (the packed file for BitNet), whose size on disk is the baseline the compression is measured against. */
  readonly weightsFile: string;
  /** A baked input's personas (its `adapters/`), sorted; empty otherwise. */
  readonly personas: readonly string[];
  /** The persona active while the phase measures the model (core's `measurementPersona`), or null. */
  readonly persona: string | null;
  /** Frees the model and its adapters. */
  dispose(): void;
}

/** The base model of `dir`: a BitNet checkpoint through its packed file, else the F32 checkpoint; `extensions` added. */
async function loadInputBase(
  dir: string,
  config: ModelCheckpointConfig,
  extensions: Record<string, unknown> = {},
): Promise<{ model: TinyTitan; tokenizer: BpeTokenizer }> {
  if (config.extensions.bitnet !== undefined) return loadPackedModel(dir, { extensions });
  return loadModelCheckpoint(dir, { build: (model, own) => buildModel(model, { ...own, ...extensions }) });
}

async function loadInput(dir: string): Promise<InputModel> {
  const config = await readCheckpointConfig(dir);
  if (config.extensions.compression !== undefined)
    throw new ForgeError('the input is already compressed', { field: 'extensions.compression' });
  const weightsFile =
    config.extensions.bitnet !== undefined
      ? path.join(dir, parseBitNetExtension(config.extensions.bitnet).packedFile || PACKED_FILE)
      : path.join(dir, CHECKPOINT_FILES.weights);
  if (!(await hasAdapters(dir))) {
    const { model, tokenizer } = await loadInputBase(dir, config);
    return { model, tokenizer, config, weightsFile, personas: [], persona: null, dispose: () => model.dispose() };
  }
  const baked = await loadModelWithAdapters(dir, { loadBase: (base, lora) => loadInputBase(base, config, { lora }) });
  const persona = measurementPersona(baked.personas);
  baked.usePersona(persona);
  return { ...baked, config, weightsFile, persona, dispose: () => baked.dispose() };
}

/**
 * The phase's input: a BitNet checkpoint through its packed file (weights W_q·γ), else the plain
 * checkpoint; a baked one (with `adapters/`) with every adapter loaded and its measurement persona active,
 * so the phase measures the model as the after-run effects do.
 */
export async function loadInputModel(dir: string): Promise<InputModel> {
  try {
    return await loadInput(dir);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ForgeError(`compression cannot load the input model at ${dir}: ${reason}`, { file: dir, cause: error });
  }
}

/**
 * Loads a compressed baked model (its output keeps the input's `adapters/`): the decoded base with LoRA
 * slots and every adapter, `options.persona` active (default none); switch with `usePersona`.
 * @example
 * const compressed = await loadCompressedBakedModel('runs/r1/08-compression/model', { persona: 'calculator' });
 * compressed.usePersona(null); // the compressed base model
 * compressed.dispose();
 */
export function loadCompressedBakedModel(
  dir: string,
  options: {
    /** Persona active from the start; default none (the base model). */
    persona?: string;
  } = {},
): Promise<ModelWithAdapters> {
  return loadModelWithAdapters(dir, {
    ...(options.persona === undefined ? {} : { persona: options.persona }),
    loadBase: (base, lora) => loadCompressedModel(base, { extensions: { lora } }),
  });
}

export { COMPRESSED_FILE };
