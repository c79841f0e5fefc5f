/**
 * One (arm, seed) run of the Grokfast reproduction as a steppable object, so the demo can stop at the
 * target, save itself for a resume, and a test can look inside one update. The loop is the reference's
 * (ironjr/grokfast `main.py`): shuffled passes in batches, each update backward → filter → Adam with
 * coupled L2 decay → warm-up schedule, and validation once per pass (epoch).
 */
import { tf } from '@agent-forge/core';
import type { GradientMap, GradientTransform, Tensor, Variable } from '@agent-forge/core';
import { createGrokfast } from '../filters/registry.js';
import { AdamL2, referenceWarmupLr } from './adam-l2.js';
import { EQUATION_LENGTH, EpochBatches, modularEquations, modularVocab, type ModularSplit } from './data.js';
import type { GrokfastArm, GrokfastDemoOptions } from './options.js';
import { ModularTransformer, answerMetrics } from './model.js';

/** One point of a run's curve, written at the end of every epoch (as the reference logs it). */
export interface GrokfastCurvePoint {
  /** Optimizer steps taken when the epoch ended. */
  readonly step: number;
  /** Mean answer accuracy over the epoch's training batches, each scored on the logits it trained on (0 … 1). */
  readonly trainAccuracy: number;
  /** Mean answer cross-entropy over the epoch's training batches (nats). */
  readonly trainLoss: number;
  /** Answer accuracy on the whole validation half after the epoch (0 … 1). */
  readonly validationAccuracy: number;
  /** Mean answer cross-entropy on the validation half (nats). */
  readonly validationLoss: number;
}

/** `GrokfastArmSession.losses`. */
export interface SessionLosses {
  /** Training-batch loss at step 1 (nats); NaN before it. */
  first: number;
  /** Training-batch loss at the latest step (nats). */
  last: number;
}

/** `GrokfastArmSession.timing`: wall-clock milliseconds, machine- and load-dependent. */
export interface SessionTiming {
  /** In the filter's `apply`. */
  filterMs: number;
  /** In whole training steps (validation excluded). */
  stepMs: number;
  /** Steps this process took. */
  steps: number;
}

/** What `GrokfastArmSession.backward` returns; the caller owns (and disposes) the gradients. */
export interface BackwardResult {
  /** Mean answer cross-entropy of the batch (nats). */
  loss: number;
  /** Answers the argmax got right. */
  hits: number;
  /** d loss / d weight, by weight name. */
  gradients: GradientMap;
}

/** The epoch's running sums; the curve point divides them by the rows seen. */
interface EpochTotals {
  hits: number;
  lossSum: number;
  rows: number;
}

/** The training state of one (arm, seed) run: model, optimizer, filter, batch stream, curve. */
export class GrokfastArmSession {
  /** The decoder being trained. */
  readonly model: ModularTransformer;
  /** Adam with the arm's coupled L2 decay. */
  readonly optimizer: AdamL2;
  /** The arm's Grokfast filter; undefined for the baseline. */
  readonly transform: GradientTransform | undefined;
  /** The training passes (shuffled per pass from the seed). */
  readonly batches: EpochBatches;
  /** The seed's train/validation split. */
  readonly split: ModularSplit;
  /** Optimizer steps taken. */
  step = 0;
  /** One point per finished epoch. */
  readonly curve: GrokfastCurvePoint[] = [];
  /** Step of the first epoch end with validation accuracy ≥ the target. */
  stepsToTarget: number | undefined;
  /** Training-batch loss at step 1 and at the latest step (nats). */
  readonly losses: SessionLosses = { first: Number.NaN, last: Number.NaN };
  /** Time spent by this process (a resumed session starts from zero). */
  readonly timing: SessionTiming = { filterMs: 0, stepMs: 0, steps: 0 };
  private epoch: EpochTotals = { hits: 0, lossSum: 0, rows: 0 };

  constructor(
    /** The arm trained: its filter, the filter's settings, its weight decay. */
    readonly arm: GrokfastArm,
    /** Seed of the split, the initialisation and the batch order. */
    readonly seed: number,
    /** The reproduction's settings (parsed). */
    readonly options: GrokfastDemoOptions,
  ) {
    this.split = modularEquations(options.modulus, options.operation, options.trainFraction, seed);
    const { dModel, nLayers, nHeads } = options;
    const vocabSize = modularVocab(options.modulus).size;
    this.model = new ModularTransformer({ vocabSize, inputLength: EQUATION_LENGTH - 1, dModel, nLayers, nHeads }, seed);
    this.transform = arm.filter === undefined ? undefined : createGrokfast(arm.filter, arm.settings);
    const { beta1, beta2, eps } = options;
    this.optimizer = new AdamL2({ beta1, beta2, eps, weightDecay: arm.weightDecay });
    this.batches = new EpochBatches(this.split.train, options.batchSize, seed + 1);
  }

  /** True once the target is reached or the step cap is hit. */
  get finished(): boolean {
    return this.stepsToTarget !== undefined || this.step >= this.options.maxSteps;
  }

  /** One update on the next batch; true when that batch ended an epoch (call `endEpoch` then). */
  trainStep(): boolean {
    const started = performance.now();
    const batch = this.batches.next();
    this.step += 1;
    const { loss, hits, gradients } = this.backward(batch.tokens, batch.rows);
    let filtered = gradients;
    const filterStart = performance.now();
    if (this.transform) filtered = this.transform.apply(gradients, this.step);
    this.timing.filterMs += performance.now() - filterStart;
    const lr = referenceWarmupLr(this.step, this.options.lr, this.options.warmupSteps);
    try {
      this.optimizer.apply(this.model.namedWeights(), filtered, lr);
    } finally {
      for (const grad of filtered.values()) grad.dispose();
    }
    if (this.step === 1) this.losses.first = loss;
    this.losses.last = loss;
    this.epoch.hits += hits;
    this.epoch.lossSum += loss * batch.rows;
    this.epoch.rows += batch.rows;
    this.timing.stepMs += performance.now() - started;
    this.timing.steps += 1;
    return batch.endsEpoch;
  }

  /** Closes the epoch: validation over the whole held-out half, one curve point. */
  endEpoch(): GrokfastCurvePoint {
    const validation = answerMetrics(this.model, this.split.validation);
    const rows = Math.max(1, this.epoch.rows);
    const point = {
      step: this.step,
      trainAccuracy: this.epoch.hits / rows,
      trainLoss: this.epoch.lossSum / rows,
      validationAccuracy: validation.accuracy,
      validationLoss: validation.loss,
    };
    this.curve.push(point);
    this.epoch = { hits: 0, lossSum: 0, rows: 0 };
    if (this.stepsToTarget === undefined && validation.accuracy >= this.options.targetAccuracy)
      this.stepsToTarget = this.step;
    return point;
  }

  /** Raw gradients of the batch's answer loss, keyed by weight name, with the loss and the correct answers. */
  backward(tokens: Int32Array, rows: number): BackwardResult {
    const weights = this.model.namedWeights();
    const nameOf = new Map<string, string>([...weights].map(([name, variable]) => [variable.name, name]));
    let hitsTensor: Tensor | undefined;
    const { value, grads } = tf.tidy(() => {
      const batch = tf.tensor2d(tokens, [rows, EQUATION_LENGTH], 'int32');
      return tf.variableGrads(
        () => {
          const scored = this.model.lossAndHits(batch);
          hitsTensor = tf.keep(scored.hits);
          return scored.loss;
        },
        [...weights.values()] as Variable[],
      );
    });
    const loss = value.dataSync()[0] ?? Number.NaN;
    const hits = hitsTensor?.dataSync()[0] ?? 0;
    value.dispose();
    hitsTensor?.dispose();
    const gradients: GradientMap = new Map(
      Object.entries(grads).map(([variableName, grad]) => [nameOf.get(variableName) ?? variableName, grad]),
    );
    return { loss, hits, gradients };
  }

  /** Frees the model, the optimizer's moments and the filter's memory. */
  dispose(): void {
    this.transform?.dispose?.();
    this.optimizer.dispose();
    this.model.dispose();
  }
}
