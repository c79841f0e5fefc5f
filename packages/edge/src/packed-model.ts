/**
 * Loading a BitNet checkpoint's packed file into a model whose ternary layers run the packed kernel.
 * The kernel is registered as a stand-in for the `bitnet` model extension (`buildModel`'s `replace`),
 * so TinyTitan, the Titan runner and any other extension the checkpoint names are built unchanged.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  BitNetExtensionSchema,
  CHECKPOINT_FILES,
  ForgeError,
  ModelCheckpointConfigSchema,
  PACKING_NAME,
  buildModelWithWeights,
  denseLinear,
  dequantizeEmbeddings,
  kernelTernaryMatrix,
  loadTokenizer,
  packedTensorNames,
  parseConfig,
  readSafetensorsFile,
  weightsToTf,
} from '@agent-forge/core';
import type {
  BitNetExtension,
  BpeTokenizer,
  KernelTernaryMatrix,
  LinearFactory,
  ModelCheckpointConfig,
  ModelExtension,
  TinyTitan,
  WeightMap,
} from '@agent-forge/core';
import { packedTernaryLinear } from './packed-linear.js';

/** Reads and validates `dir/config.json`. */
export async function readModelConfig(dir: string): Promise<ModelCheckpointConfig> {
  const file = path.join(dir, CHECKPOINT_FILES.config);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ForgeError(`cannot read the model config: ${(error as Error).message}`, { file, cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ForgeError(`config.json is not valid JSON: ${(error as Error).message}`, { file, cause: error });
  }
  return parseConfig(ModelCheckpointConfigSchema, json, { file });
}

/** The `extensions.bitnet` record of a config, or null for a model without ternary layers. */
export function bitnetExtensionOf(config: ModelCheckpointConfig, file?: string): BitNetExtension | null {
  if (config.extensions.bitnet === undefined) return null;
  return parseConfig(BitNetExtensionSchema, config.extensions.bitnet, { prefix: 'extensions.bitnet', file });
}

/** Splits the packed weight map into kernel matrices (by layer) and the remaining F32 weights. */
export function splitPackedWeights(
  stored: WeightMap,
  metadata: Record<string, string>,
  file: string,
): {
  /** Layer name (e.g. `blocks.0.attn.q`) → its ternary matrix in the kernel layout (core's `ternary-i2-rows-v1`), with its scale γ. */
  matrices: Map<string, KernelTernaryMatrix>;
  /** Every weight that is not a packed code or scale tensor (embeddings, norms, full-precision layers), F32 by name. */
  rest: WeightMap;
} {
  if (metadata['bitnet.packing'] !== PACKING_NAME) {
    throw new ForgeError(`unknown packing '${metadata['bitnet.packing'] ?? '(none)'}', expected '${PACKING_NAME}'`, {
      file,
    });
  }
  const weights = dequantizeEmbeddings(stored, metadata, file);
  const shapes = JSON.parse(metadata['bitnet.ternary_shapes'] ?? '{}') as Record<string, number[]>;
  const matrices = new Map<string, KernelTernaryMatrix>();
  const used = new Set<string>();
  for (const [layer, shape] of Object.entries(shapes)) {
    const names = packedTensorNames(layer);
    const packed = weights.get(names.packed);
    const scale = weights.get(names.scale);
    if (packed?.dtype !== 'U8' || scale?.dtype !== 'F32' || shape.length !== 2) {
      throw new ForgeError(
        `packed layer '${layer}' needs a U8 ${names.packed}, an F32 ${names.scale} and a 2-D shape`,
        { file },
      );
    }
    matrices.set(
      layer,
      kernelTernaryMatrix(packed.data, shape[0] as number, shape[1] as number, scale.data[0] as number),
    );
    used.add(names.packed).add(names.scale);
  }
  return { matrices, rest: new Map([...weights].filter(([name]) => !used.has(name))) };
}

/** The `bitnet` extension served by the packed kernel: ternary layers read `matrices`, others stay dense. */
export function packedKernelExtension(
  extension: BitNetExtension,
  matrices: ReadonlyMap<string, KernelTernaryMatrix>,
): ModelExtension {
  const ternary = new Set(extension.ternaryLayers);
  const createLinear: LinearFactory = (spec, init) => {
    if (!ternary.has(spec.name)) return denseLinear(spec, init);
    const matrix = matrices.get(spec.name);
    if (!matrix)
      throw new ForgeError(`the packed file has no weights for ternary layer '${spec.name}'`, { field: spec.name });
    return packedTernaryLinear(spec, matrix, extension.settings);
  };
  return {
    name: 'bitnet',
    order: 10,
    packageName: '@agent-forge/edge',
    plan: (plan) => ({ ...plan, createLinear }),
  };
}

/** What {@link loadPackedKernelModel} returns. */
export interface PackedKernelModel {
  /** The model, its ternary layers on the packed 2-bit kernel (no tfjs variables for them). */
  readonly model: TinyTitan;
  /** The directory's tokenizer. */
  readonly tokenizer: BpeTokenizer;
  /** The parsed `config.json`. */
  readonly config: ModelCheckpointConfig;
  /** Its `extensions.bitnet`: the ternary layers, the packed file and BitLinear's settings. */
  readonly extension: BitNetExtension;
  /** Every parameter, the packed ternary ones included (the model's own count has no variables for them). */
  readonly params: number;
}

/**
 * Loads `dir` (config.json, tokenizer.json and the packed file its `extensions.bitnet` names) with the
 * packed ternary kernel. Logits match core's `loadPackedModel` (dequantized floats) within float
 * rounding: both compute Q(x) · W_q · γ, one in int32, the other in float32.
 */
export async function loadPackedKernelModel(
  dir: string,
  options: {
    /** Extensions to build with besides the checkpoint's own, e.g. `lora` for a baked model's adapter slots. */
    extensions?: Record<string, unknown>;
  } = {},
): Promise<PackedKernelModel> {
  const config = await readModelConfig(dir);
  const configFile = path.join(dir, CHECKPOINT_FILES.config);
  const extension = bitnetExtensionOf(config, configFile);
  if (!extension)
    throw new ForgeError('the model has no extensions.bitnet: it has no packed ternary layers', { file: configFile });
  const file = path.join(dir, extension.packedFile);
  const { weights, metadata } = await readSafetensorsFile(file);
  const { matrices, rest } = splitPackedWeights(weights, metadata, file);
  const extensions = { ...config.extensions, ...options.extensions };
  const model = buildModelWithWeights(config.model, extensions, weightsToTf(rest), {
    replace: { bitnet: packedKernelExtension(extension, matrices) },
    file,
    label: 'packed weights',
  });
  let params = model.parameterCount;
  for (const matrix of matrices.values()) params += matrix.inFeatures * matrix.outFeatures;
  return {
    model,
    tokenizer: await loadTokenizer(path.join(dir, CHECKPOINT_FILES.tokenizer)),
    config,
    extension,
    params,
  };
}
