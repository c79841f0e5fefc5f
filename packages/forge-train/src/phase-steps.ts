/** The forge-train phase's steps: load the input model, save the output. */
import path from 'node:path';
import { PACKED_FILE, parseBitNetExtension, writePackedWeights } from '@agent-forge/bitnet';
import type { BitNetExtension } from '@agent-forge/bitnet';
import { ForgeError, loadModelCheckpoint, saveModelCheckpoint } from '@agent-forge/core';
import type { BpeTokenizer, TinyTitan } from '@agent-forge/core';

export interface LoadedInput {
  readonly model: TinyTitan;
  readonly tokenizer: BpeTokenizer;
  /** The input's extensions, saved again with the output. */
  readonly extensions: Record<string, unknown>;
  /** Present when the input is a BitNet model: the output then gets a packed file too. */
  readonly bitnet: BitNetExtension | undefined;
}

/** Loads the checkpoint with every extension it names (bitnet's is registered by importing the package). */
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

/** Saves the trained model with the input's extensions, plus the 2-bit packed file for a BitNet model. */
export async function saveTrainedCheckpoint(
  dir: string,
  input: Pick<LoadedInput, 'tokenizer' | 'extensions' | 'bitnet'>,
  model: TinyTitan,
): Promise<string | undefined> {
  await saveModelCheckpoint(dir, { model, tokenizer: input.tokenizer, extensions: input.extensions });
  if (!input.bitnet) return undefined;
  const packedFile = path.join(dir, PACKED_FILE);
  await writePackedWeights(packedFile, model, input.bitnet.ternaryLayers);
  return packedFile;
}
