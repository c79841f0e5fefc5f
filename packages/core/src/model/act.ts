/**
 * Adaptive Computation Time (Graves 2016, https://arxiv.org/abs/1603.08983) in the Universal
 * Transformer's form (Dehghani et al. 2018): a transition is applied to the whole stream up to
 * `maxSteps` times, a sigmoid halting unit scores each position after each step, and each position
 * halts on its own once its cumulative halting probability passes the threshold (Graves' 1 − ε;
 * his default is 0.99 — the 0.95 / 0.90 of the seed plan are this project's own choices). The
 * halting step gets the remainder R = 1 − Σ earlier h, the output is the p-weighted mix of the
 * states, and the ponder cost N + R is returned for the loss.
 */
import { tf } from '../backend/tf.js';
import { constantWeight, normalWeight, type NamedVariables, type WeightInit } from './weights.js';

/** When ACT stops pondering a position: a probability threshold and a hard cap on steps. */
export interface HaltingSettings {
  /** Halt once Σ h exceeds this (Graves: 1 − ε). */
  readonly threshold: number;
  /** Cap on steps; every position still running at the cap halts there with its remainder. */
  readonly maxSteps: number;
}

/** What one ACT pass produced. */
export interface PonderOutcome {
  /** Σ_n p_n · state_n, `[B, T, dModel]`. */
  readonly output: tf.Tensor3D;
  /** N per position, `[B, T]` (float; piecewise constant, so it carries no gradient). */
  readonly steps: tf.Tensor2D;
  /** R per position, `[B, T]`: differentiable, the only path from the ponder cost to the halting unit. */
  readonly remainders: tf.Tensor2D;
  /** Transitions applied to the whole stream: the max of N, or `maxSteps` when not stopping early. Compute scales with it. */
  readonly passes: number;
}

/** A transition of the stream for ponder step `step` (1-based). */
export type PonderTransition = (state: tf.Tensor3D, step: number) => tf.Tensor3D;

/**
 * The halting unit h = σ(w · rms(s) + b). The state is RMS-normalised (no weight) so h does not
 * drift with the stream's scale; w starts at std 1/√d so h varies across positions from the start,
 * and b starts at +1 so that pondering starts short (Graves §2).
 */
export class HaltingUnit {
  /** w, `[dModel, 1]` (`<name>.weight`). */
  readonly weight: tf.Variable;
  /** b, `[1]` (`<name>.bias`); starts at +1 so pondering starts short. */
  readonly bias: tf.Variable;
  /** Both variables under their checkpoint names. */
  readonly weights: NamedVariables;

  constructor(
    /** Weight-name prefix, e.g. `act.halt`. */
    readonly name: string,
    dModel: number,
    init: WeightInit,
  ) {
    this.weight = normalWeight(init, `${name}.weight`, [dModel, 1], 1 / Math.sqrt(dModel));
    this.bias = constantWeight([1], 1);
    this.weights = new Map([
      [`${name}.weight`, this.weight],
      [`${name}.bias`, this.bias],
    ]);
  }

  /** Halting probabilities `[B, T]` for states `[B, T, dModel]`. */
  probability(state: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const [batch, length, width] = state.shape;
      const normalised = tf.mul(state, tf.rsqrt(tf.add(tf.mean(tf.square(state), -1, true), 1e-6)));
      const flat = tf.reshape(normalised, [batch * length, width]) as tf.Tensor2D;
      const logits = tf.add(tf.matMul(flat, this.weight as tf.Variable<tf.Rank.R2>), this.bias);
      return tf.reshape(tf.sigmoid(logits), [batch, length]) as tf.Tensor2D;
    });
  }
}

/**
 * Runs `transition` until every position halted or `maxSteps`. Every position is transformed at
 * every step taken (halted ones with weight 0), so the batch stays rectangular; `stopWhenAllHalted`
 * ends the loop early (a data read per step) — off for cached decoding, where later tokens need every
 * step's keys and values of earlier ones.
 */
export function ponder(
  input: tf.Tensor3D,
  halting: (state: tf.Tensor3D) => tf.Tensor2D,
  transition: PonderTransition,
  settings: HaltingSettings & { readonly stopWhenAllHalted: boolean },
): PonderOutcome {
  const [batch, length] = input.shape;
  let state = input;
  let output = tf.zerosLike(input);
  let cumulative = tf.zeros([batch, length]) as tf.Tensor2D;
  let running = tf.ones([batch, length]) as tf.Tensor2D;
  let steps = tf.zeros([batch, length]) as tf.Tensor2D;
  let remainders = tf.zeros([batch, length]) as tf.Tensor2D;
  let passes = 0;
  for (let step = 1; step <= settings.maxSteps; step++) {
    state = transition(state, step);
    passes = step;
    const h = halting(state);
    // tf.step has a zero gradient: N is piecewise constant, exactly as in Graves.
    const haltNow =
      step === settings.maxSteps
        ? running
        : tf.mul(running, tf.step(tf.sub(tf.add(cumulative, h), settings.threshold)));
    const continueNow = tf.sub(running, haltNow) as tf.Tensor2D;
    const remainderNow = tf.mul(haltNow, tf.sub(1, cumulative));
    const weight = tf.add(tf.mul(continueNow, h), remainderNow);
    output = tf.add(output, tf.mul(tf.expandDims(weight, -1), state));
    cumulative = tf.add(cumulative, tf.mul(continueNow, h));
    remainders = tf.add(remainders, remainderNow);
    steps = tf.add(steps, running);
    running = continueNow as tf.Tensor2D;
    if (settings.stopWhenAllHalted && step < settings.maxSteps && (tf.sum(running).dataSync()[0] ?? 0) === 0) break;
  }
  return { output, steps, remainders, passes };
}
