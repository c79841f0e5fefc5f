/**
 * The `bitnet` model extension and its checkpoint record: BitLinear replaces the dense layers the
 * settings select, and a checkpoint save writes the 2-bit packed file beside the latent weights.
 * Registered on import (core's checkpoint loader imports it), so every BitNet checkpoint loads with core alone.
 */
import path from 'node:path';
import { ForgeError } from '../errors.js';
import { buildModel, registerModelExtension, type RegisteredModelExtension } from '../model/extensions.js';
import type { ModelConfigInput } from '../model/config.js';
import type { TinyTitan } from '../model/model.js';
import { parseConfig } from '../phase/config.js';
import { bitLinearFactory } from './bit-linear.js';
import { PACKED_FILE, writePackedWeights } from './packed-weights.js';
import {
  BitNetExtensionSchema,
  BitNetSettingsSchema,
  isTernaryLayer,
  type BitNetExtension,
  type BitNetSettings,
  type BitNetSettingsInput,
} from './settings.js';

/** Linear modules of `model` that `settings` makes ternary, in checkpoint order. */
export function ternaryLayerNames(model: { namedWeights(): Map<string, unknown> }, settings: BitNetSettings): string[] {
  return [...model.namedWeights().keys()]
    .filter((name) => name.endsWith('.weight'))
    .map((name) => name.slice(0, -'.weight'.length))
    .filter((layer) => isTernaryLayer(layer, settings));
}

/** The `extensions.bitnet` record for a model built with `settings`. */
export function bitnetExtension(
  model: { namedWeights(): Map<string, unknown> },
  settings: BitNetSettings,
): BitNetExtension {
  return { version: 1, settings, ternaryLayers: ternaryLayerNames(model, settings), packedFile: PACKED_FILE };
}

/** Parses `extensions.bitnet`, naming the field on error. */
export function parseBitNetExtension(value: unknown): BitNetExtension {
  return parseConfig(BitNetExtensionSchema, value, { prefix: 'extensions.bitnet' });
}

/** Checks that `extensions.bitnet.ternaryLayers` names exactly the layers its settings select in `model`. */
export function verifyTernaryLayers(model: TinyTitan, extension: BitNetExtension): void {
  const expected = ternaryLayerNames(model, extension.settings).join(',');
  if (expected !== extension.ternaryLayers.join(',')) {
    throw new ForgeError(
      `extensions.bitnet.ternaryLayers [${extension.ternaryLayers.join(', ')}] do not match its settings [${expected}]`,
      { field: 'extensions.bitnet.ternaryLayers' },
    );
  }
}

/**
 * The `bitnet` model extension: BitLinear replaces the dense layers its settings select, and saving a
 * checkpoint that names it also writes the packed file (`extensions.bitnet.packedFile`) from the same weights.
 */
export const bitnetModelExtension: RegisteredModelExtension = {
  name: 'bitnet',
  displayName: 'BitNet b1.58',
  referenceUrl: 'https://arxiv.org/abs/2402.17764',
  order: 10,
  packageName: '@agent-forge/core',
  plan: (plan, value) => ({ ...plan, createLinear: bitLinearFactory(parseBitNetExtension(value).settings) }),
  verify: (model, value) => verifyTernaryLayers(model, parseBitNetExtension(value)),
  saveFiles: async (dir, model, value) => {
    const extension = parseBitNetExtension(value);
    const name = extension.packedFile || PACKED_FILE;
    if (path.basename(name) !== name)
      throw new ForgeError(`packedFile must be a file name inside the checkpoint, got '${name}'`, {
        field: 'extensions.bitnet.packedFile',
      });
    await writePackedWeights(path.join(dir, name), model, extension.ternaryLayers, extension.settings.embeddingQuant);
  },
};
registerModelExtension(bitnetModelExtension);

/** A fresh BitNet TinyTitan (latent weights initialised as the dense model would be with `seed`). */
export function createBitNetModel(config: ModelConfigInput, settings: BitNetSettingsInput = {}, seed = 0): TinyTitan {
  const parsed = parseConfig(BitNetSettingsSchema, settings, { prefix: 'bitnet' });
  const probe = buildModel(config, {}, { seed });
  const extension = bitnetExtension(probe, parsed);
  probe.dispose();
  return buildModel(config, { bitnet: extension }, { seed });
}

/** A `ModelBuilder` that insists on `extensions.bitnet` (a plain `loadModelCheckpoint` rebuilds BitNet checkpoints too). */
export function buildBitNetModel(config: ModelConfigInput, extensions: Record<string, unknown>): TinyTitan {
  if (extensions.bitnet === undefined)
    throw new ForgeError('the checkpoint has no extensions.bitnet: it is not a BitNet model', {
      field: 'extensions.bitnet',
    });
  return buildModel(config, extensions);
}
