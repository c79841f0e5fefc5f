/**
 * One bake: a fresh LoRA adapter trained with core's loop so that, without the prompt, the model's
 * next-token distributions match the prompted base model's on the sampled trajectories. Only the
 * adapter's A and B are handed to the optimizer; every base weight (dense or BitNet latent) stays frozen.
 */
import { TitanRunner, tf, train } from '@agent-forge/core';
import type {
  ProgressReporter,
  TinyTitan,
  TrainConfig,
  TrainSummary,
  Tracker,
  TrainableModel,
} from '@agent-forge/core';
import { klSum } from './kl.js';
import type { AdapterInfo, AdapterShape, LoraAdapters } from '@agent-forge/core';
import { trajectoryBatchSource, type Trajectory } from './trajectories.js';

/** Inputs of {@link bakeAdapter}. */
export interface BakeOptions {
  /** Adapter name (the persona or tool). */
  readonly name: string;
  /** Token ids of the prompt u the teacher sees in front of each input and the student does not. */
  readonly promptIds: readonly number[];
  /** Training data: inputs with continuations sampled from the prompted teacher. */
  readonly trajectories: readonly Trajectory[];
  /** Rank and alpha of the new adapter. */
  readonly shape: AdapterShape;
  /** Seeds the adapter init and the batch order. */
  readonly seed: number;
  /** Core training-loop settings (steps, batchSize in trajectories, lr, …); baking's defaults come from its phase config. */
  readonly train: TrainConfig;
  /** Resumable training state; resumed from when it holds one. */
  readonly stateDir?: string;
  /** Receives the loss per step, under phase `baking.<name>`. */
  readonly tracker?: Tracker;
  /** Step progress reporting. */
  readonly progress?: ProgressReporter;
  /** Stops training after the current step (its state saved first when `stateDir` is set). */
  readonly signal?: AbortSignal;
}

/** The training loop's view of a bake: the adapter's weights and the mean per-token KL of a batch of trajectory indices. */
export function bakeObjective(
  model: TinyTitan,
  adapters: LoraAdapters,
  name: string,
  promptIds: readonly number[],
  trajectories: readonly Trajectory[],
): TrainableModel {
  let studentTokens = 0;
  const runner = model.blockRunner instanceof TitanRunner ? model.blockRunner : null;
  return {
    namedWeights: () => adapters.weights(name),
    loss: (indices) => {
      const rows = Array.from(indices.dataSync(), (index) => trajectories[index] as Trajectory);
      const kl = klSum(model, adapters, promptIds, rows, name);
      studentTokens = kl.studentTokens;
      return tf.div(kl.sum, kl.count) as tf.Scalar;
    },
    // The compute record's count: the student's forward and backward (the prompted teacher's forward is not counted).
    trainedTokens: () => studentTokens,
    // The student's forward runs last in klSum, so the runner's last passes are its.
    blockPasses: () => runner?.lastBlockPasses() ?? 1,
  };
}

/** Creates adapter `options.name` on `model`'s slots and trains it; the adapter stays in `adapters`. */
export async function bakeAdapter(
  model: TinyTitan,
  adapters: LoraAdapters,
  options: BakeOptions,
): Promise<{
  /** The new adapter's name, rank, alpha and layers, as registered in `adapters`. */
  info: AdapterInfo;
  /** The training loop's summary of the bake: steps taken, per-step KL losses (nats per token), final loss, throughput. */
  training: TrainSummary;
}> {
  const info = adapters.create(options.name, options.shape, options.seed);
  const training = await train({
    model: bakeObjective(model, adapters, options.name, options.promptIds, options.trajectories),
    data: trajectoryBatchSource(options.trajectories.length, options.seed),
    config: options.train,
    stateDir: options.stateDir,
    phase: `baking.${options.name}`,
    tracker: options.tracker,
    progress: options.progress,
    signal: options.signal,
  });
  return { info, training };
}
