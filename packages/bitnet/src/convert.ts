/**
 * Turning a dense TinyTitan into a BitNet one, and rebuilding a BitNet model from its checkpoint.
 * BitLinear keeps each dense weight as its latent weight under the same name, so conversion is
 * "build with the BitLinear factory, load the dense weights".
 */
import { ForgeError, TinyTitan, parseConfig } from '@agent-forge/core';
import type { ModelBuilder, ModelConfigInput } from '@agent-forge/core';
import { bitLinearFactory } from './bit-linear.js';
import { PACKED_FILE } from './packed-checkpoint.js';
import { BitNetExtensionSchema, BitNetSettingsSchema, isTernaryLayer, type BitNetExtension, type BitNetSettings, type BitNetSettingsInput } from './settings.js';

/** Linear modules of `model` that `settings` makes ternary, in checkpoint order. */
export function ternaryLayerNames(model: { namedWeights(): Map<string, unknown> }, settings: BitNetSettings): string[] {
  return [...model.namedWeights().keys()]
    .filter((name) => name.endsWith('.weight'))
    .map((name) => name.slice(0, -'.weight'.length))
    .filter((layer) => isTernaryLayer(layer, settings));
}

/** The `extensions.bitnet` record for a model built with `settings`. */
export function bitnetExtension(model: { namedWeights(): Map<string, unknown> }, settings: BitNetSettings): BitNetExtension {
  return { version: 1, settings, ternaryLayers: ternaryLayerNames(model, settings), packedFile: PACKED_FILE };
}

/** A fresh BitNet TinyTitan (latent weights initialised as the dense model would be with `seed`). */
export function createBitNetModel(config: ModelConfigInput, settings: BitNetSettingsInput = {}, seed = 0): TinyTitan {
  return new TinyTitan(config, { seed, createLinear: bitLinearFactory(parseConfig(BitNetSettingsSchema, settings, { prefix: 'bitnet' })) });
}

/**
 * A BitNet copy of `dense`: same config, its weights loaded as the latent weights. `dense` is left
 * untouched and still owned by the caller.
 */
export function convertToBitNet(dense: TinyTitan, settingsInput: BitNetSettingsInput = {}): { model: TinyTitan; extension: BitNetExtension } {
  const settings = parseConfig(BitNetSettingsSchema, settingsInput, { prefix: 'bitnet' });
  const model = new TinyTitan(dense.config, { createLinear: bitLinearFactory(settings) });
  try {
    model.loadWeights(dense.namedWeights());
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, extension: bitnetExtension(model, settings) };
}

/**
 * `loadModelCheckpoint(dir, { build: buildBitNetModel })` rebuilds a BitNet checkpoint's model with
 * BitLinear layers, checking that `extensions.bitnet` names exactly the layers the settings select.
 */
export const buildBitNetModel: ModelBuilder = (config, extensions) => {
  if (extensions.bitnet === undefined) throw new ForgeError('the checkpoint has no extensions.bitnet: it is not a BitNet model', { field: 'extensions.bitnet' });
  const extension = parseConfig(BitNetExtensionSchema, extensions.bitnet, { prefix: 'extensions.bitnet' });
  const model = new TinyTitan(config, { createLinear: bitLinearFactory(extension.settings) });
  const expected = ternaryLayerNames(model, extension.settings).join(',');
  if (expected !== extension.ternaryLayers.join(',')) {
    model.dispose();
    throw new ForgeError(`extensions.bitnet.ternaryLayers [${extension.ternaryLayers.join(', ')}] do not match its settings [${expected}]`, { field: 'extensions.bitnet.ternaryLayers' });
  }
  return model;
};
