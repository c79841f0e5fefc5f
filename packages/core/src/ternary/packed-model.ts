/**
 * Loading the packed file of a BitNet checkpoint for inference: ternary layers multiply by the unpacked
 * W_q · γ behind BitLinear's activation quantizer, so the logits equal the trained BitLinear model's.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { tf } from '../backend/tf.js';
import { buildModelWithWeights } from '../checkpoint/build-with-weights.js';
import { CHECKPOINT_FILES } from '../checkpoint/layout.js';
import { ModelCheckpointConfigSchema } from '../checkpoint/model-checkpoint.js';
import { loadTokenizer } from '../data/tokenizer/tokenizer-file.js';
import type { BpeTokenizer } from '../data/tokenizer/bpe-tokenizer.js';
import type { ModelExtension } from '../model/extensions.js';
import { applyMatrix, denseLinear, type Linear, type LinearFactory } from '../model/linear.js';
import type { TinyTitan } from '../model/model.js';
import { constantWeight } from '../model/weights.js';
import { parseConfig } from '../phase/config.js';
import { readSafetensorsFile } from '../tensors/safetensors-read.js';
import { quantizeInput } from './bit-linear.js';
import { unpackWeights } from './packed-weights.js';
import { BitNetExtensionSchema, type BitNetExtension, type BitNetSettings } from './settings.js';

/** A ternary layer whose weight already holds W_q · γ: no requantization, only the activation path. */
function frozenTernaryLinear(
  spec: { name: string; inFeatures: number; outFeatures: number },
  settings: BitNetSettings,
): Linear {
  const weight = constantWeight([spec.inFeatures, spec.outFeatures], 0);
  return {
    ...spec,
    weights: new Map([[`${spec.name}.weight`, weight]]),
    apply: (x) => tf.tidy(() => applyMatrix(quantizeInput(x, settings), weight as tf.Variable<tf.Rank.R2>)),
  };
}

/**
 * Stands in for the `bitnet` extension (through `buildModel`'s `replace`) when the ternary layers' weights
 * are given already dequantized (W_q · γ): those layers keep only BitLinear's activation path, no
 * requantization. The packed loader and the compressed-checkpoint loader build with it.
 */
export function frozenBitNetExtension(extension: BitNetExtension): ModelExtension {
  const ternary = new Set(extension.ternaryLayers);
  const createLinear: LinearFactory = (spec, init) =>
    ternary.has(spec.name) ? frozenTernaryLinear(spec, extension.settings) : denseLinear(spec, init);
  return {
    name: 'bitnet',
    order: 10,
    packageName: '@agent-forge/core',
    plan: (plan) => ({ ...plan, createLinear }),
  };
}

/**
 * Loads the packed weights of a BitNet checkpoint directory into an inference model whose ternary
 * layers multiply by the unpacked W_q · γ: its logits equal those of the trained BitLinear model
 * exactly. Its ternary weights are dequantized values, not latent weights: to keep training, load
 * `model.safetensors` with `loadModelCheckpoint(dir, { build: buildBitNetModel })` instead.
 */
export async function loadPackedModel(
  dir: string,
  options: {
    /** Extensions to build with besides the checkpoint's own, e.g. `lora` for a baked model's adapter slots. */
    extensions?: Record<string, unknown>;
  } = {},
): Promise<{
  /** Inference model whose ternary weights hold the unpacked W_q · γ; owned by the caller. */
  model: TinyTitan;
  /** The checkpoint's tokenizer. */
  tokenizer: BpeTokenizer;
  /** The checkpoint's parsed `extensions.bitnet`. */
  extension: BitNetExtension;
}> {
  const configFile = path.join(dir, CHECKPOINT_FILES.config);
  const config = parseConfig(ModelCheckpointConfigSchema, JSON.parse(await readFile(configFile, 'utf8')) as unknown, {
    file: configFile,
  });
  const extension = parseConfig(BitNetExtensionSchema, config.extensions.bitnet, {
    prefix: 'extensions.bitnet',
    file: configFile,
  });
  const file = path.join(dir, extension.packedFile);
  const { weights, metadata } = await readSafetensorsFile(file);
  const extensions = { ...config.extensions, ...options.extensions };
  const model = buildModelWithWeights(config.model, extensions, unpackWeights(weights, metadata, file), {
    replace: { bitnet: frozenBitNetExtension(extension) },
    file,
    label: 'packed weights',
  });
  return { model, tokenizer: await loadTokenizer(path.join(dir, CHECKPOINT_FILES.tokenizer)), extension };
}
