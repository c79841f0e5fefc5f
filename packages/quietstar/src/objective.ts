/**
 * The Quiet-STaR objective on one batch `[B, T + 1]`:
 *
 * - LM loss: mean NLL of the next nTrue true tokens under the mixed prediction (base and post-thought
 *   hidden states mixed by the head's w), over every position, every thought and every k with a target.
 * - REINFORCE: a thought's reward is log p(x_{j+1 … j+nTrue} | prefix, thought) read from the
 *   post-thought prediction (not the mixed one, so thoughts get a signal while w is still 0); the
 *   baseline is the mean reward of the nThoughts thoughts of the same position; negative advantages are
 *   clamped to 0 when configured; loss −advantage · log π(thought), advantage held constant.
 * - The ACT ponder cost of the base pass when the model has one (τ·mean(N + R), as `trainingObjective`).
 *
 * It also returns per-thought host arrays (rewards, coherence scores, NLLs at k = 0) for logging and for
 * the held-out evaluation, which calls the same function without a gradient.
 */
import { SPECIAL_IDS, tf } from '@agent-forge/core';
import type { Rng } from '@agent-forge/core';
import { centredByPosition, coherenceScores, type ThoughtScores } from './coherence.js';
import type { LayerKv } from './thought-path.js';
import { rollout, type Rollout } from './rollout.js';
import { disposeBase, type BaseOutput, type Thinker } from './thinker.js';
import { thoughtWindow, windowHost, windowMask, type ThoughtWindow } from './window.js';
import { readAndDispose } from './host-read.js';
import { policyTerm } from './policy-target.js';

/**
 * One evaluation of the Quiet-STaR objective on a batch `[B, T + 1]`. Thought rows are
 * N = nThoughts·B, row n·B + b being thought n of sequence b; per-row arrays are `[N·T]`, row-major.
 */
export interface ThoughtBatch extends ThoughtScores {
  /** The scalar to minimise (on the tape when called under a gradient). */
  readonly loss: tf.Scalar;
  /** Mean NLL (nats/token) of the next nTrue true tokens under the mixed prediction. */
  readonly lmLoss: number;
  /** REINFORCE term −mean(advantage · log π(thought)), before `policyWeight`. */
  readonly policyLoss: number;
  /** Plain next-token loss of the base pass over every position; NaN unless `baseLossWeight` > 0. */
  readonly baseLmLoss: number;
  /** NLL of x_{j+1} per thought row `[N·T]`: mixed (with thought) and base (without, w forced to 0). */
  readonly mixedNll: Float32Array;
  /** NLL of x_{j+1} without the thought (w forced to 0), `[N·T]`, the same value repeated for each thought. */
  readonly baseNll: Float32Array;
  /** Mixing weight w at k = 0 per thought row. */
  readonly mixWeight: Float32Array;
  /** Thought tokens `[N, T, thoughtLength]`, row-major. */
  readonly thoughts: Int32Array;
  /** Base position of the first thought position: 0 unless `thoughtPositions` windows the batch. */
  readonly firstPosition: number;
  /** The layout of the rows: B sequences (`batch`), nThoughts per position (`thoughts`), T positions (`length`). */
  readonly shape: {
    /** B: sequences in the batch. */
    readonly batch: number;
    /** nThoughts: thoughts sampled per position; N = thoughts · batch rows. */
    readonly thoughts: number;
    /** T: positions per sequence that get a thought (the batch's width minus one, or `thoughtPositions`). */
    readonly length: number;
  };
}

interface Layout {
  readonly host: Int32Array;
  readonly batch: number;
  readonly length: number;
  readonly thoughts: number;
}

/** By default the objective samples its thoughts; these options score given ones instead. */
export interface ObjectiveOptions {
  /** Score these thoughts `[N, T, thoughtLength]` instead of sampling (the shuffled-thought control). */
  readonly thoughts?: Int32Array;
  /**
   * With `thoughtPositions` set: start the window of thought positions here instead of drawing the start
   * (so a control scores the same positions as the batch it controls). Default: drawn from `rng`.
   */
  readonly firstPosition?: number;
}

/** Runs the objective; the caller disposes `loss` (training passes it to the optimizer's tape). */
export function quietStarObjective(
  thinker: Thinker,
  tokens: tf.Tensor2D,
  rng: Rng,
  options: ObjectiveOptions = {},
): ThoughtBatch {
  const prepared = prepareBatch(thinker, tokens, rng, options);
  let thought: Rollout | null = null;
  try {
    thought = rollout(thinker, {
      kv: prepared.tiled.kv,
      firstBase: prepared.window.first,
      rows: prepared.layout.length,
      baseMask: prepared.mask,
      talkSteps: thinker.settings.nTrue,
      teacher: prepared.teacher,
      temperature: thinker.settings.temperature,
      rng,
      forced: options.thoughts,
    });
    return scoreRollout(thinker, prepared, thought);
  } finally {
    if (thought) for (const t of [thought.policyLogProb, ...thought.talkHidden]) t.dispose();
    disposePrepared(prepared);
  }
}

/** What a batch's thoughts hang off: the base pass (tiled per thought), the window, the teacher tokens. */
interface PreparedBatch {
  readonly window: ThoughtWindow;
  readonly layout: Layout;
  readonly base: BaseOutput;
  /** The base hidden states of the window's positions (`base.hidden` itself when the window is everything). */
  readonly baseHidden: tf.Tensor3D;
  readonly tiled: { kv: LayerKv[]; hidden: tf.Tensor3D };
  readonly teacher: tf.Tensor2D[];
  readonly mask: tf.Tensor2D | null;
  /** Mean base next-token NLL over every position (on the tape); null when `baseLossWeight` is 0. */
  readonly baseLoss: tf.Scalar | null;
}

function prepareBatch(thinker: Thinker, tokens: tf.Tensor2D, rng: Rng, options: ObjectiveOptions): PreparedBatch {
  const [batch, cols] = tokens.shape;
  const window = thoughtWindow(cols - 1, thinker.settings.thoughtPositions, rng, options.firstPosition);
  const layout: Layout = {
    host: windowHost(tokens.dataSync() as Int32Array, batch, cols, window),
    batch,
    length: window.length,
    thoughts: thinker.settings.nThoughts,
  };
  const inputs = tf.slice(tokens, [0, 0], [batch, cols - 1]);
  const base = thinker.base(inputs);
  inputs.dispose();
  const baseHidden =
    window.length === cols - 1
      ? base.hidden
      : tf.slice(base.hidden, [0, window.first, 0], [batch, window.length, base.hidden.shape[2]]);
  const tiled = tileBase(base.kv, baseHidden, layout.thoughts);
  const teacher = Array.from({ length: thinker.settings.nTrue - 1 }, (_, k) => shiftedTokens(layout, k + 1).tokens);
  const baseLoss = thinker.settings.baseLossWeight > 0 ? plainLoss(thinker, base.hidden, tokens) : null;
  return { window, layout, base, baseHidden, tiled, teacher, mask: windowMask(cols - 1, window), baseLoss };
}

/** Mean NLL of every next token under the base prediction (the reference's `loss_list[0]`). */
function plainLoss(thinker: Thinker, hidden: tf.Tensor3D, tokens: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [batch, cols] = tokens.shape;
    const targets = tf.slice(tokens, [0, 1], [batch, cols - 1]) as tf.Tensor2D;
    return tf.mean(tokenNll(thinker.path.project(hidden), targets)) as tf.Scalar;
  });
}

function disposePrepared(prepared: PreparedBatch): void {
  const { base, baseHidden, tiled, teacher, mask, baseLoss } = prepared;
  const owned = [
    ...teacher,
    ...(baseLoss ? [baseLoss] : []),
    ...(mask ? [mask] : []),
    ...(baseHidden === base.hidden ? [] : [baseHidden]),
    tiled.hidden,
  ];
  for (const t of owned) t.dispose();
  for (const entry of tiled.kv) [entry.keys, entry.values].forEach((t) => t.dispose());
  disposeBase(base);
}

/** The LM and REINFORCE losses of a rollout, and the per-thought scores. */
function scoreRollout(thinker: Thinker, prepared: PreparedBatch, thought: Rollout): ThoughtBatch {
  const { layout, baseHidden, tiled, window } = prepared;
  const baseNllRows = readAndDispose(
    tf.tidy(() =>
      tokenNll(
        thinker.path.project(baseHidden),
        shiftedTokens(layout, 1).tokens.slice([0, 0], [layout.batch, layout.length]),
      ),
    ),
  ) as Float32Array;
  const talk = talkLosses(thinker, layout, tiled.hidden, thought.talkHidden);
  const baseLogLik = baseLogLikelihood(layout, Float32Array.from(baseNllRows), thinker.settings.nTrue);
  const advantage = advantages(talk.thoughtLogLik, layout, thinker.settings.clampNegativeRewards);
  const policy = tf.tidy(
    () =>
      tf.neg(tf.mean(tf.mul(thought.policyLogProb, tf.tensor2d(advantage, thought.policyLogProb.shape)))) as tf.Scalar,
  );
  const loss = combinedLoss(thinker, talk.lm, policy, prepared);
  const lmLoss = talk.lm.dataSync()[0] ?? Number.NaN;
  const baseLmLoss = prepared.baseLoss?.dataSync()[0] ?? Number.NaN;
  const policyLoss = policy.dataSync()[0] ?? Number.NaN;
  talk.lm.dispose();
  policy.dispose();
  return {
    loss,
    lmLoss,
    policyLoss,
    baseLmLoss,
    mixedNll: talk.mixedNll,
    baseNll: tileRows(Float32Array.from(baseNllRows), layout.thoughts),
    mixWeight: talk.mixWeight,
    thoughts: thought.tokens,
    firstPosition: window.first,
    shape: { batch: layout.batch, thoughts: layout.thoughts, length: layout.length },
    ...coherenceScores(thinker, layout, thought, talk.thoughtLogLik, baseLogLik),
  };
}

/**
 * (1 − b)·mixed LM loss + b·base loss + policyWeight·REINFORCE (+ the ACT ponder cost); the REINFORCE
 * term's gradient reaches the weights `policyGradientTarget` names (policy-target.ts).
 */
function combinedLoss(thinker: Thinker, lm: tf.Scalar, policy: tf.Scalar, prepared: PreparedBatch): tf.Scalar {
  const { baseLossWeight, policyWeight, policyGradientTarget } = thinker.settings;
  const policyPart = policyTerm(policy, policyWeight, policyGradientTarget, thinker.thoughtEmbed);
  const loss = tf.tidy(() => {
    let total = tf.add(tf.mul(lm, 1 - baseLossWeight), policyPart);
    if (prepared.baseLoss) total = tf.add(total, tf.mul(prepared.baseLoss, baseLossWeight));
    return (prepared.base.ponderCost ? tf.add(total, prepared.base.ponderCost) : total) as tf.Scalar;
  });
  policyPart.dispose();
  return loss;
}

/** The base pass repeated per thought: row n·B + b is batch row b's thought n. */
function tileBase(
  kv: readonly LayerKv[],
  hidden: tf.Tensor3D,
  thoughts: number,
): { kv: LayerKv[]; hidden: tf.Tensor3D } {
  return {
    kv: kv.map((entry) => ({
      keys: tf.tile(entry.keys, [thoughts, 1, 1, 1]),
      values: tf.tile(entry.values, [thoughts, 1, 1, 1]),
    })),
    hidden: tf.tile(hidden, [thoughts, 1, 1]),
  };
}

/** Token x_{j+offset} for every thought row and position j (`<pad>` and weight 0 past the window). */
export function shiftedTokens(layout: Layout, offset: number): { tokens: tf.Tensor2D; weights: Float32Array } {
  const { host, batch, length, thoughts } = layout;
  const rows = batch * thoughts;
  const ids = new Int32Array(rows * length).fill(SPECIAL_IDS.pad);
  const weights = new Float32Array(rows * length);
  for (let row = 0; row < rows; row++) {
    const source = (row % batch) * (length + 1);
    for (let j = 0; j + offset <= length; j++) {
      ids[row * length + j] = host[source + j + offset] as number;
      weights[row * length + j] = 1;
    }
  }
  return { tokens: tf.tensor2d(ids, [rows, length], 'int32'), weights };
}

/** Per-row NLL `[N, T]` of `targets` under `logits` `[N, T, V]`. */
export function tokenNll(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(
    () => tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(targets, logits.shape[2])), -1)) as tf.Tensor2D,
  );
}

interface TalkLosses {
  readonly lm: tf.Scalar;
  readonly thoughtLogLik: Float32Array;
  readonly mixedNll: Float32Array;
  readonly mixWeight: Float32Array;
}

/** Mixed LM loss over k = 0 … nTrue − 1, and each thought's log-likelihood of the true tokens. */
function talkLosses(
  thinker: Thinker,
  layout: Layout,
  hidden: tf.Tensor3D,
  talkHidden: readonly tf.Tensor3D[],
): TalkLosses {
  const [rows, length, width] = hidden.shape;
  const thoughtLogLik = new Float32Array(rows * length);
  let mixedNll = new Float32Array(0);
  let mixWeight = new Float32Array(0);
  let weightSum = 0;
  const terms: tf.Scalar[] = [];
  talkHidden.forEach((after, k) => {
    const { tokens: targets, weights } = shiftedTokens(layout, k + 1);
    const step = tf.tidy(() => {
      const before =
        k === 0
          ? hidden
          : tf.concat([tf.slice(hidden, [0, k, 0], [rows, length - k, width]), tf.zeros([rows, k, width])], 1);
      const w = thinker.mixer.weight(before, after);
      const mixed = tokenNll(thinker.path.project(thinker.mixer.mix(before, after, w) as tf.Tensor3D), targets);
      const alone = tokenNll(thinker.path.project(after), targets);
      const weightTensor = tf.tensor2d(weights, [rows, length]);
      return { term: tf.sum(tf.mul(mixed, weightTensor)) as tf.Scalar, mixed, alone, w };
    });
    targets.dispose();
    terms.push(step.term);
    const alone = step.alone.dataSync();
    for (let i = 0; i < alone.length; i++)
      thoughtLogLik[i] = (thoughtLogLik[i] as number) - (weights[i] as number) * (alone[i] as number);
    if (k === 0)
      [mixedNll, mixWeight] = [Float32Array.from(step.mixed.dataSync()), Float32Array.from(step.w.dataSync())];
    for (const t of [step.mixed, step.alone, step.w]) t.dispose();
    weightSum += weights.reduce((sum, value) => sum + value, 0);
  });
  const lm = tf.tidy(() => tf.div(tf.addN(terms), Math.max(weightSum, 1)) as tf.Scalar);
  for (const term of terms) term.dispose();
  return { lm, thoughtLogLik, mixedNll, mixWeight };
}

/** log p(x_{j+1 … j+nTrue}) without a thought, per thought row (base NLL rows shifted by k). */
function baseLogLikelihood(layout: Layout, baseNll: Float32Array, nTrue: number): Float32Array {
  const { batch, length, thoughts } = layout;
  const out = new Float32Array(batch * thoughts * length);
  for (let row = 0; row < batch * thoughts; row++) {
    const b = row % batch;
    for (let j = 0; j < length; j++) {
      let sum = 0;
      for (let k = 0; k < nTrue && j + k < length; k++) sum -= baseNll[b * length + j + k] as number;
      out[row * length + j] = sum;
    }
  }
  return out;
}

/** Reward minus the mean reward of the same position's thoughts (the REINFORCE baseline); clamped at 0 when asked. */
function advantages(reward: Float32Array, layout: Layout, clamp: boolean): Float32Array {
  const centred = centredByPosition(reward, layout);
  return clamp ? centred.map((value) => Math.max(0, value)) : centred;
}

function tileRows(values: Float32Array, times: number): Float32Array {
  const out = new Float32Array(values.length * times);
  for (let n = 0; n < times; n++) out.set(values, n * values.length);
  return out;
}
