/**
 * TinyTitan with ACT + long-term memory: building one, rebuilding one from a checkpoint's extensions,
 * and the training loss with the ponder cost. `model.loss` stays the plain cross-entropy (perplexity
 * reads it); training differentiates `ponderingLoss(model)`, which adds τ·mean(N + R).
 */
import { tf } from '../backend/tf.js';
import type { Scalar, Tensor2D, Variable } from '../backend/tf.js';
import { ForgeError } from '../errors.js';
import { parseModelConfig, type ModelConfigInput } from './config.js';
import { buildModel, registerModelExtension, type RegisteredModelExtension } from './extensions.js';
import type { LinearFactory } from './linear.js';
import { TinyTitan } from './model.js';
import { TitanRunner } from './titan-runner.js';
import { TITAN_EXTENSION, type TitanSettingsInput } from './titan-settings.js';

/** Options of `createTitanModel`. */
export interface TitanModelOptions {
  /** Seeds the transformer and the runner's weights alike: one seed, one shared initialisation. */
  readonly seed?: number;
  /** Builds every linear layer; default `denseLinear` (BitNet passes its own). */
  readonly createLinear?: LinearFactory;
}

/** A TinyTitan whose blocks run through a `TitanRunner` with `settings`. */
export function createTitanModel(
  config: ModelConfigInput,
  settings: TitanSettingsInput = {},
  options: TitanModelOptions = {},
): TinyTitan {
  const runner = new TitanRunner(parseModelConfig(config), settings, options.seed ?? 0);
  try {
    return new TinyTitan(config, { seed: options.seed, createLinear: options.createLinear, blockRunner: runner });
  } catch (error) {
    for (const weight of runner.weights.values()) weight.dispose();
    throw error;
  }
}

/** The model's TitanRunner; a ForgeError for a model built without one. */
export function titanRunnerOf(model: TinyTitan): TitanRunner {
  if (model.blockRunner instanceof TitanRunner) return model.blockRunner;
  throw new ForgeError('this model has no ACT/memory runner: build it with createTitanModel or buildTitanModel', {
    field: 'model',
  });
}

/** What `saveModelCheckpoint` needs in `extensions` so that `buildTitanModel` rebuilds the model. */
export function titanExtensions(model: TinyTitan): Record<string, unknown> {
  return { [TITAN_EXTENSION]: titanRunnerOf(model).settings };
}

/**
 * The `titan` model extension: its settings make `buildModel` run the blocks through a TitanRunner
 * (ACT + long-term memory) seeded like the transformer.
 */
export const titanModelExtension: RegisteredModelExtension = {
  name: TITAN_EXTENSION,
  displayName: 'Titans long-term memory + ACT',
  referenceUrl: 'https://arxiv.org/abs/2501.00663',
  order: 0,
  packageName: '@agent-forge/core',
  plan: (plan, settings) => ({ ...plan, blockRunner: new TitanRunner(plan.config, settings, plan.seed) }),
};
registerModelExtension(titanModelExtension);

/** A `ModelBuilder` for `loadModelCheckpoint` (kept for callers of the first API): `buildModel`. */
export function buildTitanModel(model: ModelConfigInput, extensions: Record<string, unknown>): TinyTitan {
  return buildModel(model, extensions);
}

/**
 * What the training loop should differentiate for any model: `ponderingLoss` when it runs ACT, the
 * model itself otherwise. Phases that fine-tune a model from an earlier phase use this.
 */
export function trainingObjective(model: TinyTitan): {
  /** The model's trainable weights by checkpoint name, e.g. `blocks.0.attn.q.weight`. */
  namedWeights(): Map<string, Variable>;
  /** Scalar loss of int32 rows `[B, T+1]`: mean next-token cross-entropy (nats), plus the ponder cost when ACT is on. */
  loss(tokens: Tensor2D): Scalar;
  /** Passes of the block stack in the last `loss` call (ACT ponders); absent for a plain model, which makes one. */
  blockPasses?(): number;
} {
  return model.blockRunner instanceof TitanRunner ? ponderingLoss(model) : model;
}

/** The object the training loop differentiates: cross-entropy + τ·mean(N + R) when ACT is on. */
export function ponderingLoss(model: TinyTitan): {
  /** The model's trainable weights by checkpoint name (the halting and memory weights included). */
  namedWeights(): Map<string, Variable>;
  /** Mean next-token cross-entropy (nats) of int32 rows `[B, T+1]`, plus τ·mean(N + R) of that forward pass when ACT is on and τ > 0. */
  loss(tokens: Tensor2D): Scalar;
  /** Passes of the block stack in the last `loss` call's forward (ACT ponders; see `TitanRunner.lastBlockPasses`). */
  blockPasses(): number;
} {
  const runner = titanRunnerOf(model);
  return {
    namedWeights: () => model.namedWeights(),
    blockPasses: () => runner.lastBlockPasses(),
    loss: (tokens) =>
      tf.tidy(() => {
        const crossEntropy = model.loss(tokens);
        const { act } = runner.settings;
        const ponderCost = runner.lastPonderCost();
        if (!act.enabled || act.ponderCost === 0 || !ponderCost) return crossEntropy;
        return tf.add(crossEntropy, tf.mul(ponderCost, act.ponderCost));
      }),
  };
}
