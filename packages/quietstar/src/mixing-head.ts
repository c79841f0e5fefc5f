/**
 * The mixing head ("talk head" in the reference): a shallow MLP on [h_base ‖ h_thought] → a scalar w per
 * position, and the prediction is head((1 − w)·h_base + w·h_thought). The head is linear, so this equals
 * interpolating the base and post-thought logits with w. As in the reference, w is the raw linear output
 * (no sigmoid) and the last layer starts at zero, so w = 0 and the model predicts exactly as the base
 * model until training moves it. The `unit` range squashes w into (0, 1) with a sigmoid instead (a
 * convex mix: the head cannot gain by contrasting against the thought).
 */
import { Rng, constantWeight, normalWeight, tf } from '@agent-forge/core';

/** Name prefix of the mixing head's weights (`quietstar.mixer.{0,1}.{weight,bias}`) in the sidecar and in `namedWeights`. */
export const MIXER_PREFIX = 'quietstar.mixer';

/** `linear`: w is the head's raw output (reference); `unit`: w = sigmoid(output) ∈ (0, 1). */
export type MixWeightRange = 'linear' | 'unit';

/** The `unit` head's starting logit: w = sigmoid(−4) ≈ 0.018, close to the base model's prediction. */
const UNIT_START_LOGIT = -4;

/**
 * Linear(2d → h) · ReLU · Linear(h → 1) on [h_base ‖ h_thought], giving the mixing weight w per
 * position. The last layer starts at zero, so a fresh head predicts exactly as the base model
 * (`linear` range) or within sigmoid(−4) ≈ 0.018 of it (`unit`).
 */
export class MixingHead {
  /**
   * The four trainable variables by name: `quietstar.mixer.0.weight` `[2d, h]`, `.0.bias` `[h]`,
   * `.1.weight` `[h, 1]`, `.1.bias` `[1]`. Merged into `Thinker.namedWeights()` and saved in the sidecar.
   */
  readonly weights: Map<string, tf.Variable>;
  private readonly first: tf.Variable;
  private readonly firstBias: tf.Variable;
  private readonly last: tf.Variable;
  private readonly lastBias: tf.Variable;

  constructor(
    /** Model width d; the head's input is `2·dModel` wide (base and post-thought hidden states concatenated). */
    readonly dModel: number,
    /** Width h of the head's hidden layer (`mixerHidden`, default dModel). */
    readonly hidden: number,
    seed = 0,
    /** How the head's output becomes w: `linear` (raw, reference) or `unit` (sigmoid, in (0, 1)). */
    readonly range: MixWeightRange = 'linear',
  ) {
    const init = { rng: Rng.fromSeed(seed) };
    this.first = normalWeight(init, `${MIXER_PREFIX}.0.weight`, [2 * dModel, hidden], 1 / Math.sqrt(2 * dModel));
    this.firstBias = constantWeight([hidden], 0);
    this.last = constantWeight([hidden, 1], 0);
    this.lastBias = constantWeight([1], range === 'unit' ? UNIT_START_LOGIT : 0);
    this.weights = new Map([
      [`${MIXER_PREFIX}.0.weight`, this.first],
      [`${MIXER_PREFIX}.0.bias`, this.firstBias],
      [`${MIXER_PREFIX}.1.weight`, this.last],
      [`${MIXER_PREFIX}.1.bias`, this.lastBias],
    ]);
  }

  /** Layer shapes `[in, out]`, as recorded in `extensions.quietstar.mixerShape`. */
  get shape(): [number, number][] {
    return [
      [2 * this.dModel, this.hidden],
      [this.hidden, 1],
    ];
  }

  /** The mixing weight w `[..., 1]` for hidden states `[..., d]` without and with the thought. */
  weight(base: tf.Tensor, thought: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const joined = tf.concat([base, thought], -1);
      const leading = joined.shape.slice(0, -1);
      const flat = tf.reshape(joined, [-1, 2 * this.dModel]) as tf.Tensor2D;
      const hiddenLayer = tf.relu(tf.add(tf.matMul(flat, this.first as tf.Variable<tf.Rank.R2>), this.firstBias));
      const out = tf.add(tf.matMul(hiddenLayer as tf.Tensor2D, this.last as tf.Variable<tf.Rank.R2>), this.lastBias);
      return tf.reshape(this.range === 'unit' ? tf.sigmoid(out) : out, [...leading, 1]);
    });
  }

  /** `(1 − w)·base + w·thought`, i.e. `base + w·(thought − base)`. */
  mix(base: tf.Tensor, thought: tf.Tensor, w: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(base, tf.mul(w, tf.sub(thought, base))));
  }

  /** Frees the head's variables; the head is unusable afterwards. */
  dispose(): void {
    for (const variable of this.weights.values()) variable.dispose();
  }
}
