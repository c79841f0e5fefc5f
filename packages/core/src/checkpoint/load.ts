import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { ForgeError } from '../errors.js';
import { listSiblings, recoverInterruptedReplace } from '../io/atomic-dir.js';
import { readJsonFile } from '../io/read-json.js';
import { parseConfig } from '../phase/config.js';
import type { WeightMap } from '../tensors/dtype.js';
import { readSafetensorsFile } from '../tensors/safetensors-read.js';
import { CHECKPOINT_FILES } from './layout.js';
import { checkTensorShapes } from './shapes.js';

/** How `loadCheckpoint` validates a checkpoint: the config schema, and optionally the tensor shapes it implies. */
export interface LoadCheckpointOptions<C> {
  /** Validates config.json; its output is the returned `config`. */
  readonly configSchema: z.ZodType<C>;
  /** The shape of every tensor the config implies; when given, weights are checked against it. */
  readonly expectedShapes?: (config: C) => Readonly<Record<string, readonly number[]>>;
  /** Accept tensors `expectedShapes` does not name. Default false. */
  readonly allowExtraTensors?: boolean;
}

/** A checkpoint directory read back and validated by `loadCheckpoint`. */
export interface LoadedCheckpoint<C> {
  /** config.json as `configSchema` parsed it (defaults filled in). */
  readonly config: C;
  /** Every tensor of model.safetensors, in file order; shape-checked when `expectedShapes` was given. */
  readonly weights: WeightMap;
  /** Parsed tokenizer.json, or undefined when the checkpoint has none. */
  readonly tokenizer: unknown;
  /** Parsed result.json, or undefined when the checkpoint has none. */
  readonly result: unknown;
  /** model.safetensors' `__metadata__` (`{}` when absent). */
  readonly metadata: Record<string, string>;
}

/**
 * Load and validate the checkpoint in `dir`: config.json against `configSchema`, model.safetensors
 * against the safetensors rules and then `expectedShapes(config)`. Every failure is a ForgeError
 * naming the file (and the config field or tensor) at fault.
 */
export async function loadCheckpoint<C>(dir: string, options: LoadCheckpointOptions<C>): Promise<LoadedCheckpoint<C>> {
  const root = path.resolve(dir);
  await assertCheckpointDirectory(root);
  const configFile = path.join(root, CHECKPOINT_FILES.config);
  const config = parseConfig(
    options.configSchema,
    await readJsonFile(configFile, { missing: 'missing checkpoint file' }),
    { file: configFile },
  );
  const weightsFile = path.join(root, CHECKPOINT_FILES.weights);
  const { weights, metadata } = await readSafetensorsFile(weightsFile);
  if (options.expectedShapes !== undefined) {
    checkTensorShapes(weights, options.expectedShapes(config), {
      allowExtraTensors: options.allowExtraTensors,
      file: weightsFile,
    });
  }
  const tokenizer = await readJsonFile(path.join(root, CHECKPOINT_FILES.tokenizer), { required: false });
  const result = await readJsonFile(path.join(root, CHECKPOINT_FILES.result), { required: false });
  return { config, weights, tokenizer, result, metadata };
}

async function assertCheckpointDirectory(root: string): Promise<void> {
  await recoverInterruptedReplace(root);
  const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new ForgeError(`cannot read checkpoint directory: ${error.message}`, { file: root, cause: error });
  });
  if (info === undefined) {
    // A crash between the two renames of a save leaves the previous checkpoint only in its retired sibling.
    const [retired] = await listSiblings(root, 'retired');
    const hint = retired === undefined ? '' : `; an interrupted save left the previous checkpoint at ${retired.path}`;
    throw new ForgeError(`checkpoint directory not found${hint}`, { file: root });
  }
  if (!info.isDirectory()) throw new ForgeError('a checkpoint must be a directory, this is a file', { file: root });
}
