/** The forge-train phase's steps: load the input model, save the model it hands on. */
import path from 'node:path';
import {
  ForgeError,
  PACKED_FILE,
  loadModelCheckpoint,
  parseBitNetExtension,
  saveModelCheckpoint,
} from '@agent-forge/core';
import type { BitNetExtension, BpeTokenizer, TinyTitan } from '@agent-forge/core';
import type { HandedOn } from './hand-on.js';

export interface LoadedInput {
  readonly model: TinyTitan;
  readonly tokenizer: BpeTokenizer;
  /** The input's extensions, saved again with the output. */
  readonly extensions: Record<string, unknown>;
  /** Present when the input is a BitNet model: the output then gets a packed file too. */
  readonly bitnet: BitNetExtension | undefined;
}

/** Loads the checkpoint with every extension it names (core registers `bitnet`). */
export async function loadInput(dir: string): Promise<LoadedInput> {
  try {
    const { model, tokenizer, config } = await loadModelCheckpoint(dir);
    const bitnet = config.extensions.bitnet === undefined ? undefined : parseBitNetExtension(config.extensions.bitnet);
    return { model, tokenizer, extensions: config.extensions, bitnet };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ForgeError(`forge-train cannot load the input model at ${dir}: ${reason}`, { file: dir, cause: error });
  }
}

/**
 * Saves the trained model with the input's extensions; for a BitNet model core's `bitnet` save hook writes
 * the 2-bit packed file in the same save. Returns that file's path, or undefined for a dense model.
 */
export async function saveTrainedCheckpoint(
  dir: string,
  input: Pick<LoadedInput, 'tokenizer' | 'extensions' | 'bitnet'>,
  model: TinyTitan,
): Promise<string | undefined> {
  await saveModelCheckpoint(dir, { model, tokenizer: input.tokenizer, extensions: input.extensions });
  if (!input.bitnet) return undefined;
  return path.join(dir, input.bitnet.packedFile || PACKED_FILE);
}

/** The models `saveHandedOn` can save: the two trained arms (the baseline when trained) and the input's checkpoint. */
export interface HandOnModels {
  readonly grokfast: TinyTitan;
  readonly baseline: TinyTitan | undefined;
  readonly inputDir: string;
}

/** Saves the chosen model with the input's extensions (the input reloaded from its checkpoint); returns the packed file. */
export async function saveHandedOn(
  choice: HandedOn,
  dir: string,
  input: Pick<LoadedInput, 'tokenizer' | 'extensions' | 'bitnet'>,
  models: HandOnModels,
): Promise<string | undefined> {
  if (choice === 'input') {
    const reloaded = await loadInput(models.inputDir);
    try {
      return await saveTrainedCheckpoint(dir, input, reloaded.model);
    } finally {
      reloaded.model.dispose();
    }
  }
  const model = choice === 'baseline' ? models.baseline : models.grokfast;
  if (!model)
    throw new ForgeError('forge-train cannot hand on the baseline: it was not trained', { field: 'baseline' });
  return saveTrainedCheckpoint(dir, input, model);
}
