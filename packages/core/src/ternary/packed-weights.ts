/**
 * The deployable form of a BitNet model: one safetensors file where every ternary weight is a U8
 * tensor `<layer>.weight_packed` (2-bit codes, packing.ts) plus an F32 `<layer>.weight_scale` [1]
 * (γ), and every other weight (embeddings, norms, full-precision layers) stays F32 under its own
 * name. `__metadata__` names the packing and the original shape of each packed weight.
 */
import { tf } from '../backend/tf.js';
import { ForgeError } from '../errors.js';
import type { WeightMap } from '../tensors/dtype.js';
import { writeSafetensorsFile } from '../tensors/safetensors-write.js';
import { weightsToTf } from '../tensors/tf-convert.js';
import { PACKING_NAME, packTernary, unpackTernary } from './packing.js';
import { dequantizeEmbeddings, quantizeEmbeddings, type EmbeddingQuantName } from './embedding-quant.js';
import { absmeanTernary } from './quantizers.js';

/** File name of the packed weights inside a BitNet checkpoint directory. */
export const PACKED_FILE = 'model.packed.safetensors';
const PACKED_SUFFIX = '.weight_packed';
const SCALE_SUFFIX = '.weight_scale';

/** Tensor names a ternary layer takes in the packed file. */
export function packedTensorNames(layer: string): {
  /** `<layer>.weight_packed`: the U8 tensor of 2-bit ternary codes, four weights a byte. */
  packed: string;
  /** `<layer>.weight_scale`: the F32 `[1]` tensor holding the layer's absmean scale γ. */
  scale: string;
} {
  return { packed: `${layer}${PACKED_SUFFIX}`, scale: `${layer}${SCALE_SUFFIX}` };
}

/** Quantizes and packs `model`'s ternary layers; the rest is copied as F32. */
export function packModelWeights(
  model: { namedWeights(): Map<string, tf.Variable> },
  ternaryLayers: readonly string[],
  embeddingQuant: EmbeddingQuantName = 'none',
): {
  /** Packed codes and scales of the ternary layers, the embedding as `embeddingQuant` stores it, every other weight as F32 under its own name. */
  weights: WeightMap;
  /** The file's `__metadata__`: `bitnet.packing` (the packing name) and `bitnet.ternary_shapes` (JSON, layer → original shape). */
  metadata: Record<string, string>;
} {
  const weights: WeightMap = new Map();
  const shapes: Record<string, number[]> = {};
  const ternaryWeightNames = new Map(ternaryLayers.map((layer) => [`${layer}.weight`, layer]));
  for (const [name, variable] of model.namedWeights()) {
    const layer = ternaryWeightNames.get(name);
    if (layer === undefined) {
      weights.set(name, { dtype: 'F32', shape: variable.shape, data: variable.dataSync() as Float32Array });
      continue;
    }
    const { ternary, scale } = absmeanTernary(variable);
    const names = packedTensorNames(layer);
    weights.set(names.packed, {
      dtype: 'U8',
      shape: [Math.ceil(variable.size / 4)],
      data: packTernary(ternary.dataSync()),
    });
    weights.set(names.scale, { dtype: 'F32', shape: [1], data: scale.dataSync() as Float32Array });
    shapes[layer] = variable.shape;
    tf.dispose([ternary, scale]);
  }
  const missing = ternaryLayers.filter((layer) => shapes[layer] === undefined);
  if (missing.length > 0)
    throw new ForgeError(`ternary layers not in the model: ${missing.join(', ')}`, { field: 'ternaryLayers' });
  const embedding = quantizeEmbeddings(weights, embeddingQuant);
  return {
    weights,
    metadata: { 'bitnet.packing': PACKING_NAME, 'bitnet.ternary_shapes': JSON.stringify(shapes), ...embedding },
  };
}

/** Writes the packed file (atomically). */
export async function writePackedWeights(
  file: string,
  model: { namedWeights(): Map<string, tf.Variable> },
  ternaryLayers: readonly string[],
  embeddingQuant: EmbeddingQuantName = 'none',
): Promise<void> {
  const { weights, metadata } = packModelWeights(model, ternaryLayers, embeddingQuant);
  await writeSafetensorsFile(file, weights, { metadata });
}

/**
 * Unpacks a packed weight map into dense tensors by model weight name: ternary layers become
 * W_q · γ, computed with the same tfjs op as BitLinear's forward so the values are bit-identical.
 */
export function unpackWeights(
  stored: WeightMap,
  metadata: Record<string, string>,
  file: string,
): Map<string, tf.Tensor> {
  const weights = dequantizeEmbeddings(stored, metadata, file);
  if (metadata['bitnet.packing'] !== PACKING_NAME) {
    throw new ForgeError(`unknown packing '${metadata['bitnet.packing'] ?? '(none)'}', expected '${PACKING_NAME}'`, {
      file,
    });
  }
  const shapes = JSON.parse(metadata['bitnet.ternary_shapes'] ?? '{}') as Record<string, number[]>;
  const dense = new Map<string, tf.Tensor>();
  const packedNames = new Set<string>();
  for (const [layer, shape] of Object.entries(shapes)) {
    const names = packedTensorNames(layer);
    const packed = weights.get(names.packed);
    const scale = weights.get(names.scale);
    if (packed?.dtype !== 'U8' || scale?.dtype !== 'F32')
      throw new ForgeError(`packed layer '${layer}' needs a U8 ${names.packed} and an F32 ${names.scale}`, { file });
    const count = shape.reduce((a, b) => a * b, 1);
    const ternary = Float32Array.from(unpackTernary(packed.data, count));
    dense.set(
      `${layer}.weight`,
      tf.tidy(() => tf.mul(tf.tensor(ternary, shape, 'float32'), tf.scalar(scale.data[0] as number))),
    );
    packedNames.add(names.packed).add(names.scale);
  }
  const rest: WeightMap = new Map([...weights].filter(([name]) => !packedNames.has(name)));
  for (const [name, tensor] of weightsToTf(rest)) dense.set(name, tensor);
  return dense;
}
