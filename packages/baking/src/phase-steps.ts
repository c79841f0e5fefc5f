/** The baking phase's steps: load the input, choose the inputs x, bake one prompt, save the output. */
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  CHECKPOINT_FILES,
  ForgeError,
  SPECIAL_IDS,
  buildModel,
  writeFileAtomic,
  formatProblem,
  loadPhaseSplit,
  loadModelCheckpoint,
  loraExtension,
  parseModelConfig,
} from '@agent-forge/core';
import type { BpeTokenizer, DataExample, PhaseContext, TinyTitan } from '@agent-forge/core';
import { loraTargetLayers, type LoraModule } from './lora/settings.js';
import type { BakingPhaseConfig } from './phase-config.js';

export interface LoadedInput {
  readonly model: TinyTitan;
  readonly tokenizer: BpeTokenizer;
  /** The input's own extensions (titan, bitnet…), saved again with the output. */
  readonly extensions: Record<string, unknown>;
}

/** Loads a checkpoint with LoRA slots on `modules` added to whatever extensions it has. */
export async function loadWithSlots(dir: string, modules: readonly LoraModule[]): Promise<LoadedInput> {
  let extensions: Record<string, unknown> = {};
  try {
    const loaded = await loadModelCheckpoint(dir, {
      build: (config, own) => {
        extensions = Object.fromEntries(Object.entries(own).filter(([name]) => name !== 'lora'));
        return buildModel(config, {
          ...extensions,
          lora: loraExtension(loraTargetLayers(parseModelConfig(config), modules)),
        });
      },
    });
    return { model: loaded.model, tokenizer: loaded.tokenizer, extensions };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ForgeError(`baking cannot load the input model at ${dir}: ${reason}`, { file: dir, cause: error });
  }
}

/** Input x of an example: the end of a problem's prompt (so the continuation is its answer), or the start of a text. */
function inputOf(example: DataExample, tokenizer: BpeTokenizer, length: number): number[] {
  if (example.kind === 'problem') return tokenizer.encode(formatProblem(example.problem).prompt).slice(-length);
  return tokenizer.encode(example.text).slice(0, length);
}

/** Token ids of the inputs x a bake samples trajectories for. */
export interface BakeInputs {
  /** From the data's training split: trajectories to train on. */
  readonly train: number[][];
  /** From its validation split: trajectories for the KL report. */
  readonly heldOut: number[][];
}

/** Inputs x from the data: training ones from its train split, held-out ones from its validation split. */
export async function prepareInputs(
  config: BakingPhaseConfig,
  ctx: PhaseContext,
  tokenizer: BpeTokenizer,
): Promise<BakeInputs> {
  const { dataset, train, validation } = await loadPhaseSplit(config, ctx);
  const pick = (examples: readonly DataExample[], count: number): number[][] =>
    examples
      .map((example) => inputOf(example, tokenizer, config.inputTokens))
      .filter((ids) => ids.length > 0)
      .slice(0, count);
  const inputs = {
    train: pick(train.examples, config.trajectories),
    heldOut: pick(validation.examples, config.heldOutInputs),
  };
  if (inputs.train.length < config.trajectories || inputs.heldOut.length < config.heldOutInputs) {
    throw new ForgeError(
      `the data (${dataset.size} examples) gives ${inputs.train.length} training and ${inputs.heldOut.length} held-out inputs; baking asks for ${config.trajectories} and ${config.heldOutInputs}`,
      { field: 'data' },
    );
  }
  return inputs;
}

/** Prompt, input and continuation must fit the context together, or the prompted teacher cannot see them. */
export function assertFitsContext(
  name: string,
  kind: string,
  promptTokens: number,
  config: BakingPhaseConfig,
  contextLength: number,
): void {
  const needed = promptTokens + config.inputTokens + config.maxNewTokens;
  if (needed > contextLength) {
    throw new ForgeError(
      `the prompt of '${name}' is ${promptTokens} tokens; with inputTokens ${config.inputTokens} and maxNewTokens ${config.maxNewTokens} that is ${needed} tokens, over the model's context of ${contextLength}: shorten the prompt or those settings`,
      { field: `${kind}.${name}` },
    );
  }
}

export const STOP_TOKENS: readonly number[] = [SPECIAL_IDS.eos];

/**
 * Copies the files of `from` that are not the checkpoint's own into `to` (a saved checkpoint), skipping
 * any the save already wrote: an extension's own files (e.g. BitNet's `model.packed.safetensors`) come
 * from its save hook, never from another phase's copy.
 */
export async function copySidecarFiles(from: string, to: string): Promise<string[]> {
  const own = new Set<string>(Object.values(CHECKPOINT_FILES));
  const written = new Set(await readdir(to));
  const copied: string[] = [];
  for (const name of await readdir(from)) {
    if (own.has(name) || written.has(name) || name.startsWith('.')) continue;
    if (!(await stat(path.join(from, name))).isFile()) continue;
    await copyAtomic(path.join(from, name), path.join(to, name));
    copied.push(name);
  }
  return copied;
}

/** Copies the files of `from` whose names end with `suffix` into `to` (created); returns their names. */
export async function copyFilesEndingWith(from: string, to: string, suffix: string): Promise<string[]> {
  await mkdir(to, { recursive: true });
  const names = (await readdir(from)).filter((name) => name.endsWith(suffix)).sort();
  for (const name of names) await copyAtomic(path.join(from, name), path.join(to, name));
  return names;
}

async function copyAtomic(from: string, to: string): Promise<void> {
  await writeFileAtomic(to, await readFile(from));
}
