import path from 'node:path';
import { z } from 'zod';
import { tf } from '../backend/tf.js';
import type { Tensor, Variable } from '../backend/tf.js';
import { ForgeError } from '../errors.js';
import { recoverInterruptedReplace, replaceDirectory } from '../io/atomic-dir.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic.js';
import { readJsonFile } from '../io/read-json.js';
import { parseConfig } from '../phase/config.js';
import type { Rng } from '../rng/index.js';
import { encodeSafetensors, readSafetensorsFile, weightsFromTf, weightsToTf } from '../tensors/index.js';
import type { AdamW } from './adamw.js';
import type { BatchSource } from './loop.js';
import type { GradientTransform } from './gradients.js';

const TRAINER_FILE = 'trainer.json';
const WEIGHTS_FILE = 'weights.safetensors';
const OPTIMIZER_FILE = 'optimizer.safetensors';

const TrainerFileSchema = z.object({
  version: z.literal(1),
  step: z.number().int().nonnegative(),
  optimizerStep: z.number().int().nonnegative(),
  lossAverage: z.number().optional(),
  microBatch: z.number().int().positive(),
  dataState: z.unknown(),
  rngState: z.object({ algorithm: z.literal('xoroshiro128plus'), state: z.array(z.number()) }).optional(),
});

/** What a training state directory saves and restores. */
export interface TrainStateParts {
  /** The trained variables by name. */
  weights: Map<string, Variable>;
  /** The optimizer, whose moments are saved. */
  optimizer: AdamW;
  /** The batch source, whose position is saved. */
  data: BatchSource;
  /** Gradient transforms (e.g. Grokfast) whose state is saved under `transform/<name>/`. */
  transforms: readonly GradientTransform[];
  /** The loop's rng, whose state is saved when given. */
  rng?: Rng;
}

/**
 * Everything an exact resume needs, in one directory swapped in atomically: weights, AdamW
 * moments and gradient-transform state (safetensors), and the step, data position, rng state
 * and loss average (trainer.json).
 */
export async function saveTrainState(
  dir: string,
  parts: TrainStateParts & { step: number; lossAverage?: number; microBatch: number },
): Promise<void> {
  const optimizerTensors = new Map(parts.optimizer.state());
  for (const transform of parts.transforms) {
    for (const [key, tensor] of transform.state?.() ?? [])
      optimizerTensors.set(`transform/${transform.name}/${key}`, tensor);
  }
  const trainer = {
    version: 1 as const,
    step: parts.step,
    optimizerStep: parts.optimizer.stepCount,
    lossAverage: parts.lossAverage,
    microBatch: parts.microBatch,
    dataState: parts.data.getState(),
    rngState: parts.rng?.getState(),
  };
  await replaceDirectory(dir, async (staging) => {
    await writeFileAtomic(path.join(staging, WEIGHTS_FILE), encodeSafetensors(weightsFromTf(parts.weights)));
    await writeFileAtomic(path.join(staging, OPTIMIZER_FILE), encodeSafetensors(weightsFromTf(optimizerTensors)));
    await writeJsonAtomic(path.join(staging, TRAINER_FILE), trainer);
  });
}

/** Restore a saved state into the live objects; null when `dir` holds none (a fresh start). */
export async function loadTrainState(
  dir: string,
  parts: TrainStateParts,
): Promise<{
  /** Training steps completed when the state was saved; training resumes at the step after it. */
  step: number;
  /** The loss guard's running average (exponential, weight 0.1 on each new step) at that point; absent before any step. */
  lossAverage?: number;
} | null> {
  await recoverInterruptedReplace(dir);
  const trainerFile = path.join(dir, TRAINER_FILE);
  const raw = await readJsonFile(trainerFile, { required: false });
  if (raw === undefined) return null;
  const trainer = parseConfig(TrainerFileSchema, raw, { file: trainerFile });
  const weights = weightsToTf((await readSafetensorsFile(path.join(dir, WEIGHTS_FILE))).weights);
  const optimizerState = weightsToTf((await readSafetensorsFile(path.join(dir, OPTIMIZER_FILE))).weights);
  try {
    assignWeights(parts.weights, weights, path.join(dir, WEIGHTS_FILE));
    loadOptimizerState(parts, trainer.optimizerStep, optimizerState, path.join(dir, OPTIMIZER_FILE));
    for (const transform of parts.transforms) transform.loadState?.(transformState(optimizerState, transform.name));
  } finally {
    for (const tensor of [...weights.values(), ...optimizerState.values()]) tensor.dispose();
  }
  parts.data.setState(trainer.dataState);
  if (parts.rng && trainer.rngState) parts.rng.restore(trainer.rngState);
  return { step: trainer.step, lossAverage: trainer.lossAverage };
}

function assignWeights(target: Map<string, Variable>, saved: Map<string, Tensor>, file: string): void {
  // A state with weights this model lacks was saved by another model: resuming from part of it is no resume.
  const foreign = [...saved.keys()].filter((name) => !target.has(name));
  if (foreign.length > 0)
    throw new ForgeError(
      `saved training state has weights the model lacks (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}): it belongs to another model`,
      { file },
    );
  for (const [name, variable] of target) {
    const tensor = saved.get(name);
    if (!tensor) throw new ForgeError(`saved training state has no weight '${name}'`, { file });
    if (tensor.shape.join(',') !== variable.shape.join(',')) {
      throw new ForgeError(`weight '${name}' has shape [${tensor.shape}] but the model expects [${variable.shape}]`, {
        file,
      });
    }
    // tidy frees the cast's copy once the variable holds the values (assign does not take ownership).
    tf.tidy(() => variable.assign(tf.cast(tensor, variable.dtype)));
  }
}

/** AdamW's moments, each for a weight of this model with that weight's shape; anything else names the file. */
function loadOptimizerState(parts: TrainStateParts, step: number, state: Map<string, Tensor>, file: string): void {
  const transformKeys = (key: string) => key.startsWith('transform/');
  const foreign = [...state.keys()].filter(
    (key) => !transformKeys(key) && !parts.weights.has(key.replace(/\.(m|v)$/, '')),
  );
  if (foreign.length > 0)
    throw new ForgeError(`optimizer state for weights the model lacks (${foreign.slice(0, 3).join(', ')})`, { file });
  try {
    parts.optimizer.loadState(step, state, parts.weights);
  } catch (error) {
    throw new ForgeError(`optimizer state does not fit the model: ${(error as Error).message}`, { file, cause: error });
  }
}

function transformState(all: Map<string, Tensor>, name: string): Map<string, Tensor> {
  const prefix = `transform/${name}/`;
  return new Map(
    [...all].filter(([key]) => key.startsWith(prefix)).map(([key, tensor]) => [key.slice(prefix.length), tensor]),
  );
}
