/** The forge-train phase's steps: pick and load the input model, prepare data, save the output. */
import path from 'node:path';
import {
  ForgeError,
  PACKED_FILE,
  loadModelCheckpoint,
  parseBitNetExtension,
  saveModelCheckpoint,
} from '@agent-forge/core';
import type { BitNetExtension, BpeTokenizer, PhaseModel, PhaseResult, TinyTitan } from '@agent-forge/core';

/** Roles preferred as the model to train, in order; otherwise the first model. */
const PREFERRED_ROLES = ['ternary', 'reasoning-enhanced', 'merged'];

export function pickInputModel(input: PhaseResult | null): PhaseModel {
  if (input === null)
    throw new ForgeError('forge-train needs a model: run after bitnet or pass --input', { field: 'input' });
  for (const role of PREFERRED_ROLES) {
    const match = input.models.find((model) => model.role === role);
    if (match) return match;
  }
  const first = input.models[0];
  if (!first)
    throw new ForgeError(
      `forge-train needs a model, but the ${input.phase} result lists none: run after bitnet or pass --input`,
      { field: 'input.models' },
    );
  return first;
}

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

export { preparePhaseData, type PhaseData } from '@agent-forge/core';

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
