/**
 * Model extensions: the named records in a checkpoint's `extensions` (ACT + memory, BitNet, LoRA
 * adapters…) that change how the model is built. Each package that adds one registers a small
 * `ModelExtension`, and `buildModel` composes every extension a checkpoint names, so a checkpoint
 * that is both Titan and BitNet loads anywhere without the loader knowing either.
 */
import type { tf } from '../backend/tf.js';
import { ForgeError } from '../errors.js';
import { Registry, type RegistryEntry } from '../registry/registry.js';
import type { BlockRunner } from './block.js';
import { parseModelConfig, type ModelConfig, type ModelConfigInput } from './config.js';
import { denseLinear, type LinearFactory } from './linear.js';
import { TinyTitan } from './model.js';

/** How a model is about to be built; extensions return an adjusted copy. */
export interface ModelBuildPlan {
  /** The architecture to build; an extension may adjust it. */
  readonly config: ModelConfig;
  /** Seed of the fresh weights, passed on to runners that own weights. */
  readonly seed: number;
  /** Builds every linear layer; starts as `denseLinear`, an extension may replace or wrap it. */
  readonly createLinear: LinearFactory;
  /** How the stream passes through the blocks; `sequentialBlocks` when no extension sets one. */
  readonly blockRunner?: BlockRunner;
}

/**
 * A named way to change how a model is built (ACT + memory, BitNet, LoRA…), keyed by its entry in a checkpoint's `extensions`.
 * Register one with `registerModelExtension` so `buildModel` and `loadModelCheckpoint` can rebuild such checkpoints.
 */
export interface ModelExtension {
  /** Its key in a checkpoint's `extensions`. */
  readonly name: string;
  /** Lower runs first: factories that replace the dense layer (BitNet) before ones that wrap it (LoRA). */
  readonly order: number;
  /** The package that registers it, named in the error when a checkpoint needs it and it is missing. */
  readonly packageName: string;
  /** Validates `settings` (throwing a ForgeError naming the field) and adjusts the plan. */
  plan(plan: ModelBuildPlan, settings: unknown): ModelBuildPlan;
  /** Checks the built model against its settings, e.g. that the listed layers exist. */
  verify?(model: TinyTitan, settings: unknown): void;
  /**
   * Writes the extension's own files (e.g. BitNet's packed weights) into `dir`, the checkpoint directory
   * being saved, so they come from the same atomic save as the weights and no phase writes another's file.
   */
  saveFiles?(dir: string, model: ExtensionSaveModel, settings: unknown): Promise<void>;
}

/** What a `saveFiles` hook may read of the model being saved: its weights by checkpoint name. */
export interface ExtensionSaveModel {
  /** Every weight by its checkpoint name (e.g. `blocks.0.mlp.up.weight`). */
  namedWeights(): Map<string, tf.Variable>;
}

/** A registered model extension: a `ModelExtension` with the display name and reference URL every registry entry carries. */
export interface RegisteredModelExtension extends ModelExtension, RegistryEntry {}

/**
 * Every model extension `buildModel` knows, by its key in a checkpoint's `extensions`. Stand-ins passed
 * as `BuildModelOptions.replace` are plain `ModelExtension`s and are not registered.
 */
export const MODEL_EXTENSIONS = new Registry<RegisteredModelExtension>({
  kind: 'model extension',
  field: 'extensions',
});

/** Registers (or replaces) the extension under its name; packages call this when imported. */
export function registerModelExtension(extension: RegisteredModelExtension): void {
  MODEL_EXTENSIONS.register(extension);
}

/** The registered extension called `name`, if any. */
export function findModelExtension(name: string): RegisteredModelExtension | undefined {
  return MODEL_EXTENSIONS.find(name);
}

/** Options of `buildModel`. */
export interface BuildModelOptions {
  /** Seed of the fresh weights. Default 0. */
  readonly seed?: number;
  /**
   * Handlers used instead of the registered ones for these names: e.g. an inference runtime that
   * runs BitNet layers from packed weights replaces `bitnet` without touching the checkpoint.
   */
  readonly replace?: Readonly<Record<string, ModelExtension>>;
}

function extensionsInOrder(
  extensions: Record<string, unknown>,
  replace: Readonly<Record<string, ModelExtension>>,
): ModelExtension[] {
  const found = Object.keys(extensions).map((name) => {
    const extension = replace[name] ?? MODEL_EXTENSIONS.find(name);
    if (!extension) {
      const known = MODEL_EXTENSIONS.names().join(', ') || 'none';
      throw new ForgeError(
        `the model uses extension "${name}", which is not registered here (registered: ${known}); import the package that provides it (e.g. @agent-forge/${name})`,
        { field: `extensions.${name}` },
      );
    }
    return extension;
  });
  return found.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

/**
 * Builds the model that `config` + `extensions` describe, with fresh weights. The default
 * `ModelBuilder` of `loadModelCheckpoint`.
 */
export function buildModel(
  config: ModelConfigInput,
  extensions: Record<string, unknown> = {},
  options: BuildModelOptions = {},
): TinyTitan {
  const ordered = extensionsInOrder(extensions, options.replace ?? {});
  let plan: ModelBuildPlan = { config: parseModelConfig(config), seed: options.seed ?? 0, createLinear: denseLinear };
  for (const extension of ordered) plan = extension.plan(plan, extensions[extension.name]);
  let model: TinyTitan;
  try {
    model = new TinyTitan(plan.config, {
      seed: plan.seed,
      createLinear: plan.createLinear,
      blockRunner: plan.blockRunner,
    });
  } catch (error) {
    plan.blockRunner?.dispose?.();
    throw error;
  }
  try {
    for (const extension of ordered) extension.verify?.(model, extensions[extension.name]);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
