import { z } from 'zod';
import type { Variable } from '../backend/tf.js';
import { tokenizerFromFile, tokenizerToFile } from '../data/tokenizer/index.js';
import type { BpeTokenizer } from '../data/tokenizer/index.js';
import { ForgeError } from '../errors.js';
import { findModelExtension } from '../model/extensions.js';
// The model extensions core owns register themselves on import, so every checkpoint that names them loads.
import '../model/titan-model.js';
import '../ternary/extension.js';
import '../adapters/extension.js';
import type { TinyTitan } from '../model/model.js';
import { ModelConfigSchema } from '../model/config.js';
import type { ModelConfig, ModelConfigInput } from '../model/config.js';
import { weightsFromTf, weightsToTf } from '../tensors/tf-convert.js';
import { buildModelWithWeights } from './build-with-weights.js';
import { loadCheckpoint } from './load.js';
import { saveCheckpoint } from './save.js';

/**
 * config.json of a model checkpoint: the base architecture, plus named extensions (ACT, memory,
 * BitNet…) whose settings a loader needs to rebuild the same model before loading its weights.
 */
export const ModelCheckpointConfigSchema = z.object({
  /** The base architecture; always `tinytitan`. */
  architecture: z.literal('tinytitan'),
  /** The base model's dimensions (vocabulary, width, layers, heads, context…), defaults filled. */
  model: ModelConfigSchema,
  /** Settings of each extension the model was built with, by extension name (e.g. ACT, memory, BitNet); default `{}`. */
  extensions: z.record(z.string(), z.unknown()).default({}),
});
/** A parsed model checkpoint config.json: `architecture`, the `model` config and each extension's settings by name. */
export type ModelCheckpointConfig = z.infer<typeof ModelCheckpointConfigSchema>;

/** What `saveModelCheckpoint` needs of a model; TinyTitan and its extended variants qualify. */
export interface SavedModel {
  /** Architecture written to config.json, so a loader can rebuild the same model. */
  readonly config: ModelConfig;
  /** Every weight by its checkpoint name (e.g. `blocks.0.mlp.up.weight`); these become model.safetensors. */
  namedWeights(): Map<string, Variable>;
}

/**
 * Save a model with its tokenizer: the unit every phase hands to the next. Each registered extension that
 * `extensions` names and that has a `saveFiles` hook writes its own files (e.g. BitNet's packed weights)
 * into the same directory, inside the same atomic save.
 */
export async function saveModelCheckpoint(
  dir: string,
  contents: {
    model: SavedModel;
    tokenizer: BpeTokenizer;
    extensions?: Record<string, unknown>;
    result?: unknown;
    metadata?: Record<string, string>;
  },
): Promise<void> {
  const config = {
    architecture: 'tinytitan' as const,
    model: contents.model.config,
    extensions: contents.extensions ?? {},
  };
  await saveCheckpoint(dir, {
    config,
    weights: weightsFromTf(contents.model.namedWeights()),
    tokenizer: tokenizerToFile(contents.tokenizer),
    result: contents.result,
    metadata: contents.metadata,
    writeExtraFiles: (staging) => writeExtensionFiles(staging, contents.model, config.extensions),
  });
}

async function writeExtensionFiles(
  dir: string,
  model: SavedModel,
  extensions: Readonly<Record<string, unknown>>,
): Promise<void> {
  for (const [name, settings] of Object.entries(extensions))
    await findModelExtension(name)?.saveFiles?.(dir, model, settings);
}

/** Builds the model a checkpoint describes; the default, `buildModel`, composes every registered extension. */
export type ModelBuilder = (model: ModelConfigInput, extensions: Record<string, unknown>) => TinyTitan;

/**
 * Load a model checkpoint: rebuild the model (`buildModel` unless `build` is given), load and
 * validate every weight by name and shape, and restore the tokenizer it was trained with.
 */
export async function loadModelCheckpoint(
  dir: string,
  options: { build?: ModelBuilder } = {},
): Promise<{
  /** The rebuilt model with the checkpoint's weights loaded; the caller owns it and must `dispose()` it. */
  model: TinyTitan;
  /** The tokenizer the model was trained with, from tokenizer.json. */
  tokenizer: BpeTokenizer;
  /** The parsed config.json: architecture, model config and extension settings. */
  config: ModelCheckpointConfig;
  /** The parsed result.json the saving phase wrote, or undefined when the checkpoint has none. */
  result: unknown;
}> {
  const loaded = await loadCheckpoint(dir, { configSchema: ModelCheckpointConfigSchema });
  if (loaded.tokenizer === undefined)
    throw new ForgeError('a model checkpoint needs its tokenizer.json', { file: dir });
  const tokenizer = tokenizerFromFile(loaded.tokenizer, `${dir}/tokenizer.json`);
  checkTokenizerFitsModel(tokenizer, loaded.config.model.vocabSize, `${dir}/tokenizer.json`);
  const model = buildModelWithWeights(loaded.config.model, loaded.config.extensions, weightsToTf(loaded.weights), {
    file: `${dir}/model.safetensors`,
    build: options.build,
  });
  return { model, tokenizer, config: loaded.config, result: loaded.result };
}

/**
 * A tokenizer may have fewer ids than the model's vocabulary (BPE stops early on little text), never more:
 * a larger one is another model's tokenizer, and its ids would index past the embedding.
 */
function checkTokenizerFitsModel(tokenizer: BpeTokenizer, modelVocabSize: number, file: string): void {
  if (tokenizer.vocabSize > modelVocabSize) {
    throw new ForgeError(
      `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has ${modelVocabSize} (config.json model.vocabSize): a tokenizer from another model?`,
      { file },
    );
  }
}
