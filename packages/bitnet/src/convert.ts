/**
 * Turning a dense TinyTitan into a BitNet one. BitLinear keeps each dense weight as its latent weight
 * under the same name, so conversion is "build with the `bitnet` extension, load the dense weights".
 * The format itself (BitLinear, the `bitnet` extension, packing) is core's.
 */
import { BitNetSettingsSchema, bitnetExtension, buildModel, parseConfig } from '@agent-forge/core';
import type { BitNetExtension, BitNetSettingsInput, TinyTitan } from '@agent-forge/core';

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
