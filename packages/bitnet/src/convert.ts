/**
 * Turning a dense TinyTitan into a BitNet one, and rebuilding a BitNet model from its checkpoint.
 * BitLinear keeps each dense weight as its latent weight under the same name, so conversion is
 * "build with the BitLinear factory, load the dense weights".
 */
import { ForgeError, buildModel, parseConfig, registerModelExtension } from '@agent-forge/core';
import type { ModelBuilder, ModelConfigInput, RegisteredModelExtension, TinyTitan } from '@agent-forge/core';
import { bitLinearFactory } from './bit-linear.js';
import { PACKED_FILE } from './packed-checkpoint.js';
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
 * The `bitnet` model extension: BitLinear replaces the dense layers its settings select. Registered
 * when this package is imported, so `loadModelCheckpoint` rebuilds BitNet checkpoints (with ACT and
 * memory too, when the checkpoint has them).
 */
export const bitnetModelExtension: RegisteredModelExtension = {
  name: 'bitnet',
  displayName: 'BitNet b1.58',
  referenceUrl: 'https://arxiv.org/abs/2402.17764',
  order: 10,
  packageName: '@agent-forge/bitnet',
  plan: (plan, value) => ({ ...plan, createLinear: bitLinearFactory(parseBitNetExtension(value).settings) }),
  verify: (model, value) => verifyTernaryLayers(model, parseBitNetExtension(value)),
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

/**
 * A BitNet copy of `dense`: same config and extensions (ACT, memory…) as `denseExtensions` says, its
 * weights loaded as the latent weights. `dense` is left untouched and still owned by the caller.
 */
export function convertToBitNet(
  dense: TinyTitan,
  settingsInput: BitNetSettingsInput = {},
  denseExtensions: Record<string, unknown> = {},
): {
  /** The new BitLinear model with `dense`'s weights as latent weights; owned by the caller. */
  model: TinyTitan;
  /** Its `extensions.bitnet` record: the parsed settings and the ternary layer names. */
  extension: BitNetExtension;
  /** `denseExtensions` plus `bitnet`: what to write as the checkpoint's `extensions`. */
  extensions: Record<string, unknown>;
} {
  const settings = parseConfig(BitNetSettingsSchema, settingsInput, { prefix: 'bitnet' });
  const extension = bitnetExtension(dense, settings);
  const extensions = { ...denseExtensions, bitnet: extension };
  const model = buildModel(dense.config, extensions);
  try {
    model.loadWeights(dense.namedWeights());
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, extension, extensions };
}

/**
 * A `ModelBuilder` that insists on `extensions.bitnet` (a plain `loadModelCheckpoint` also rebuilds
 * BitNet checkpoints once this package is imported).
 */
export const buildBitNetModel: ModelBuilder = (config, extensions) => {
  if (extensions.bitnet === undefined)
    throw new ForgeError('the checkpoint has no extensions.bitnet: it is not a BitNet model', {
      field: 'extensions.bitnet',
    });
  return buildModel(config, extensions);
};
