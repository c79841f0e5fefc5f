/**
 * The one way a loader turns weights into a model: build what `config` + `extensions` describe, load the
 * weights by name, and never leak — a model whose weights do not fit is disposed, and the weight tensors
 * are always freed. Core's checkpoint loader, the packed BitNet loaders and the compressed loader share it.
 */
import { tf } from '../backend/tf.js';
import { ForgeError } from '../errors.js';
import { buildModel, type BuildModelOptions } from '../model/extensions.js';
import type { ModelConfigInput } from '../model/config.js';
import type { TinyTitan } from '../model/model.js';

/** Options of {@link buildModelWithWeights}: `buildModel`'s (seed, stand-in extensions) and how to name a failure. */
export interface BuildWithWeightsOptions extends BuildModelOptions {
  /** The file the weights came from, named in the error when they do not fit. */
  readonly file: string;
  /** What the weights are, for the error (`packed weights`, `decoded weights`…). Default `weights`. */
  readonly label?: string;
  /** Builds the model instead of `buildModel` (e.g. a `ModelBuilder` passed to `loadModelCheckpoint`). */
  readonly build?: (config: ModelConfigInput, extensions: Record<string, unknown>) => TinyTitan;
}

/**
 * Builds the model and loads `tensors` into it. Takes ownership of `tensors`: they are disposed whether
 * or not the load succeeds. A mismatch is a ForgeError naming `options.file`; the half-built model is freed.
 */
export function buildModelWithWeights(
  config: ModelConfigInput,
  extensions: Record<string, unknown>,
  tensors: ReadonlyMap<string, tf.Tensor>,
  options: BuildWithWeightsOptions,
): TinyTitan {
  let model: TinyTitan;
  try {
    model = options.build
      ? options.build(config, extensions)
      : buildModel(config, extensions, { seed: options.seed, replace: options.replace });
  } catch (error) {
    tf.dispose([...tensors.values()]);
    throw error;
  }
  try {
    model.loadWeights(tensors);
  } catch (error) {
    model.dispose();
    throw new ForgeError(`${options.label ?? 'weights'} do not fit the model: ${(error as Error).message}`, {
      file: options.file,
      cause: error,
    });
  } finally {
    tf.dispose([...tensors.values()]);
  }
  return model;
}
