import { tf } from '../backend/tf.js';
import type { Scalar, Tensor2D, Variable } from '../backend/tf.js';
import { ForgeError } from '../errors.js';
import type { TokenWindows } from '../data/token-windows.js';
import { faultPoint } from '../io/fault.js';
import type { ProgressReporter } from '../phase/progress.js';
import type { Rng } from '../rng/index.js';
import type { Tracker } from '../track/index.js';
import { AdamW } from './adamw.js';
import type { TrainConfig } from './config.js';
import { LossGuard } from './guard.js';
import { clipByGlobalNorm, disposeGradients } from './gradients.js';
import type { GradientMap, GradientTransform } from './gradients.js';
import { activationBytesPerSequence, chooseMicroBatch } from './micro-batch.js';
import type { ActivationShape } from './micro-batch.js';
import { learningRateAt } from './schedule.js';
import { loadTrainState, saveTrainState } from './train-state.js';
import type { TrainStateParts } from './train-state.js';

/** What the loop trains: named weights and a mean loss over a [B, T+1] token batch. */
export interface TrainableModel {
  /** The trainable weights by stable name; names key the optimizer state in checkpoints, so they must not change between runs. */
  namedWeights(): Map<string, Variable>;
  /** Mean next-token loss of int32 rows `[B, T+1]`, differentiable with respect to `namedWeights()`. */
  loss(tokens: Tensor2D): Scalar;
  /**
   * Passes of the block stack the last `loss` call made (ACT runs it several times); absent means one.
   * The compute record counts tokens × passes beside the tokens, because 6·N·D counts one pass.
   */
  blockPasses?(): number;
  /**
   * Tokens the last `loss` call trained on, for models whose batch rows are not token windows (baking's
   * rows are trajectory indices); absent means rows × (cols − 1).
   */
  trainedTokens?(): number;
}

/** Where batches come from; its state is saved with each checkpoint so a resume sees the same data. */
export interface BatchSource {
  /** `rows` sequences of `cols` tokens (cols = context + 1), row-major. */
  next(rows: number): TokenWindows;
  /** JSON-serialisable position, saved with each checkpoint. */
  getState(): unknown;
  /** Continue from a `getState()` value, on resume. */
  setState(state: unknown): void;
}

/** What `train` trains, on what, with which settings, and where it reports and checkpoints. */
export interface TrainOptions {
  /** The model whose weights `train` updates in place; TinyTitan and its variants qualify. */
  model: TrainableModel;
  /** Training batches; asked for `config.batchSize` rows per step. */
  data: BatchSource;
  /** Steps, schedule, optimizer, clipping, micro-batching and checkpoint settings. */
  config: TrainConfig;
  /** Model dimensions for choosing the micro-batch from the memory budget. */
  shape?: ActivationShape & {
    /** Tokens per training sequence (rows are this + 1); sizes activations and counts trained tokens. */
    contextLength: number;
  };
  /** Directory of the resumable training state; resumed from when it holds one. */
  stateDir?: string;
  /** Phase name for metrics, events and the progress label; metrics go under `train` when absent. */
  phase?: string;
  /** Receives `loss`, `lr` and `gradNorm` every `config.logEvery` steps and a `checkpoint` event per save. */
  tracker?: Tracker;
  /** Shows a bar over `config.steps`, ticked with each step's loss. */
  progress?: ProgressReporter;
  /** Abort to stop after the current step; with `stateDir` the state is saved first, then a ForgeError is thrown. */
  signal?: AbortSignal;
  /** Applied in order to each step's gradients before clipping (e.g. Grokfast); their state is checkpointed. */
  gradientTransforms?: readonly GradientTransform[];
  /** Saved and restored with the state, for callers that draw from it between steps. */
  rng?: Rng;
  /** Stop (with a checkpoint) after this step although the schedule runs to `config.steps`. */
  untilStep?: number;
}

/** What a `train` call did. */
export interface TrainSummary {
  /** Steps taken in total, including those before a resume. */
  step: number;
  /** Loss of each step this call took. */
  losses: number[];
  /** Loss of the last step taken; NaN when the call took no step (already at `config.steps`). */
  finalLoss: number;
  /** Sequences per forward/backward pass that was used (equal to batchSize when no split was needed). */
  microBatch: number;
  /** Step the call started from: 0 for a fresh run, the checkpoint's step on resume. */
  resumedFrom: number;
  /** Training throughput of this call; 0 when `shape` was not given (the context length is then unknown). */
  tokensPerSecond: number;
}

/**
 * The one training loop every phase uses: AdamW with warmup + cosine, gradient accumulation over
 * micro-batches, gradient transforms (Grokfast…), global-norm clipping, NaN/spike guard,
 * periodic atomic checkpoints with optimizer, data and rng state, and exact resume.
 */
export async function train(options: TrainOptions): Promise<TrainSummary> {
  const { config, model } = options;
  const weights = model.namedWeights();
  const optimizer = new AdamW(config);
  const microBatch = pickMicroBatch(options);
  const restored = options.stateDir
    ? await loadTrainState(options.stateDir, trainedParts(options, weights, optimizer))
    : null;
  const startStep = restored?.step ?? 0;
  const guard = new LossGuard(config.spikeFactor, config.warmupSteps, restored?.lossAverage);
  const task = options.progress?.start(options.phase ? `${options.phase} training` : 'training', config.steps);
  task?.tick(startStep);
  const losses: number[] = [];
  const compute = computeRecorder(options);
  const started = performance.now();
  let step = startStep;
  const lastStep = Math.min(config.steps, options.untilStep ?? config.steps);
  try {
    while (step < lastStep) {
      step += 1;
      const lr = learningRateAt(step, config);
      const batch = options.data.next(config.batchSize);
      const { loss, gradNorm, ...spent } = trainStep(options, weights, optimizer, batch, microBatch, step, lr);
      compute.add(spent.trainedTokens, spent.blockPassTokens);
      guard.check(step, loss, lr);
      losses.push(loss);
      logStep(options, step, { loss, lr, gradNorm });
      task?.tick(1, { loss: loss.toFixed(4) });
      faultPoint('train-step');
      // A tfjs step is synchronous: without a macrotask turn here a Ctrl-C would only be seen after
      // the last step, because Node delivers signals through the event loop.
      await yieldToEventLoop();
      const due = config.checkpointEvery > 0 && step % config.checkpointEvery === 0;
      if (options.stateDir && (due || step === lastStep || options.signal?.aborted)) {
        const parts = trainedParts(options, weights, optimizer);
        await saveTrainState(options.stateDir, { ...parts, step, lossAverage: guard.runningAverage, microBatch });
        options.tracker?.event('checkpoint', { step }, options.phase);
        compute.flush();
      }
      if (options.signal?.aborted)
        throw new ForgeError(
          `training interrupted at step ${step}${options.stateDir ? '; state saved, it resumes from here' : ''}`,
        );
    }
  } finally {
    task?.done();
    optimizer.dispose();
  }
  compute.flush();
  const seconds = (performance.now() - started) / 1000;
  const tokens = (step - startStep) * config.batchSize * (options.shape?.contextLength ?? 0);
  return {
    step,
    losses,
    finalLoss: losses[losses.length - 1] ?? Number.NaN,
    microBatch,
    resumedFrom: startStep,
    tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
  };
}

/** The tracker event that records tokens trained (`forge run`'s equal-compute control sums them per phase). */
export const TRAINING_COMPUTE_EVENT = 'training_compute';

/**
 * Counts the tokens each step trains on, and tokens × block-stack passes (`blockPassTokens`: ACT's
 * pondering runs the stack more than once per token), and records them as a {@link TRAINING_COMPUTE_EVENT}
 * with every checkpoint and at the end: steps after the last checkpoint of an interrupted call are redone
 * on resume, so they are counted once.
 */
function computeRecorder(options: TrainOptions): {
  add(trained: number, blockPassTokens: number): void;
  flush(): void;
} {
  let tokens = 0;
  let passTokens = 0;
  return {
    add: (trained, blockPassTokens) => {
      tokens += trained;
      passTokens += blockPassTokens;
    },
    flush: () => {
      if (tokens > 0)
        options.tracker?.event(TRAINING_COMPUTE_EVENT, { tokens, blockPassTokens: passTokens }, options.phase);
      tokens = 0;
      passTokens = 0;
    },
  };
}

/** Everything whose state a checkpoint of the loop holds, besides the step counters. */
function trainedParts(options: TrainOptions, weights: Map<string, Variable>, optimizer: AdamW): TrainStateParts {
  return { weights, optimizer, data: options.data, transforms: options.gradientTransforms ?? [], rng: options.rng };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function pickMicroBatch(options: TrainOptions): number {
  const { config, shape } = options;
  if (config.microBatchSize !== 'auto') {
    if (config.batchSize % config.microBatchSize !== 0) {
      throw new ForgeError(`microBatchSize ${config.microBatchSize} must divide batchSize ${config.batchSize}`, {
        field: 'microBatchSize',
      });
    }
    return config.microBatchSize;
  }
  if (!shape) return config.batchSize;
  return chooseMicroBatch(
    config.batchSize,
    activationBytesPerSequence(shape, shape.contextLength),
    config.memoryBudgetMb * 2 ** 20,
  );
}

function logStep(options: TrainOptions, step: number, values: Record<string, number>): void {
  if (!options.tracker) return;
  if (step % options.config.logEvery === 0 || step === 1 || step === options.config.steps) {
    options.tracker.metrics(options.phase ?? 'train', step, values);
  }
}

function trainStep(
  options: TrainOptions,
  weights: Map<string, Variable>,
  optimizer: AdamW,
  batch: TokenWindows,
  microBatch: number,
  step: number,
  lr: number,
): { loss: number; gradNorm: number; trainedTokens: number; blockPassTokens: number } {
  const accumulated = accumulateGradients(options.model, weights, batch, microBatch);
  const { loss, trainedTokens, blockPassTokens } = accumulated;
  let { gradients } = accumulated;
  for (const transform of options.gradientTransforms ?? []) gradients = transform.apply(gradients, step);
  const gradNorm = clipByGlobalNorm(gradients, options.config.gradClip);
  optimizer.apply(weights, gradients, lr);
  disposeGradients(gradients);
  return { loss, gradNorm, trainedTokens, blockPassTokens };
}

/** Mean loss and mean gradient over the batch, computed `microBatch` sequences at a time. */
function accumulateGradients(
  model: TrainableModel,
  weights: Map<string, Variable>,
  batch: TokenWindows,
  microBatch: number,
): { gradients: GradientMap; loss: number; trainedTokens: number; blockPassTokens: number } {
  const passes = Math.ceil(batch.rows / microBatch);
  const nameOf = new Map([...weights].map(([name, variable]) => [variable.name, name]));
  const gradients: GradientMap = new Map();
  let lossSum = 0;
  let trainedTokens = 0;
  let blockPassTokens = 0;
  for (let pass = 0; pass < passes; pass++) {
    const rows = Math.min(microBatch, batch.rows - pass * microBatch);
    const slice = batch.tokens.subarray(pass * microBatch * batch.cols, (pass * microBatch + rows) * batch.cols);
    const { value, grads } = tf.tidy(() => {
      const tokens = tf.tensor2d(slice, [rows, batch.cols], 'int32');
      return tf.variableGrads(() => model.loss(tokens), [...weights.values()]);
    });
    lossSum += (value.dataSync()[0] ?? Number.NaN) * rows;
    const tokens = model.trainedTokens?.() ?? rows * (batch.cols - 1);
    trainedTokens += tokens;
    blockPassTokens += tokens * (model.blockPasses?.() ?? 1);
    value.dispose();
    for (const [variableName, grad] of Object.entries(grads)) {
      const name = nameOf.get(variableName) ?? variableName;
      const scaled = tf.tidy(() => tf.mul(grad, rows / batch.rows));
      grad.dispose();
      const previous = gradients.get(name);
      gradients.set(name, previous ? tf.tidy(() => tf.add(previous, scaled)) : scaled);
      if (previous) {
        previous.dispose();
        scaled.dispose();
      }
    }
  }
  return { gradients, loss: lossSum / batch.rows, trainedTokens, blockPassTokens };
}
