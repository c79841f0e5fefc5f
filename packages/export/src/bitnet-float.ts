/**
 * A BitNet b1.58 model's BitLinear layers, `y = Q₈(rms(x)) · (W_q·γ)` with a parameter-free RMSNorm `rms`
 * and per-token 8-bit absmax activations `Q₈`, in graphs that have neither:
 *
 * - W_q/W_k/W_v and W_gate/W_up read the block norm's output `g ⊙ x̂`, which BitLinear normalises again to
 *   `g ⊙ x̂ / rms(g ⊙ x̂)`. The export folds the typical factor into the block norm's gain (`g / rms(g)`),
 *   exact when x̂ spreads its energy evenly over the dimensions. Every format gets this fold.
 * - W_o and W_down read the attention output and the SwiGLU product: llama.cpp's `bitnet` graph has an
 *   RMSNorm there (`attn_sub_norm`, `ffn_sub_norm`, gain 1 — exactly BitLinear's); a plain Llama (🤗, ONNX)
 *   has nothing, so the dequantized export scales W_o and W_down by the mean 1/rms of their input over the
 *   probe texts (measured in the `bitnet` graph above), exact when that RMS is the same for every token.
 * - Q₈ is in no float graph; llama.cpp's TQ2_0 dot products quantize activations to 8 bits per block of
 *   256 (q8_K) instead of per token.
 */
import { applyMatrix, denseLinear, parameterFreeRmsNorm, tf } from '@agent-forge/core';
import type { LinearFactory, ModelConfig } from '@agent-forge/core';
import type { HostWeight } from './llama-layout.js';

/** The block linears whose input llama.cpp's `bitnet` graph normalises (its sub-norms). */
const SUB_NORMED = /\.(attn\.o|mlp\.down)$/;

/** The block norms' gains divided by their RMS (see the module comment); other weights unchanged. */
export function foldBitLinearInputNorms(weights: ReadonlyMap<string, HostWeight>): Map<string, HostWeight> {
  const out = new Map(weights);
  for (const [name, weight] of weights) {
    if (!/^blocks\.\d+\.(attn|mlp)_norm\.weight$/.test(name)) continue;
    const rms = Math.sqrt(weight.data.reduce((sum, value) => sum + value * value, 0) / weight.data.length);
    out.set(name, { shape: weight.shape, data: weight.data.map((value) => value / rms) });
  }
  return out;
}

/**
 * Linear layers computing llama.cpp's `bitnet` graph without activation quantization: W_o and W_down behind
 * a gain-1 RMSNorm with the model's epsilon, every other layer a plain matmul. `observe` sees the raw
 * inputs of W_o and W_down (for `subNormScales`).
 */
export function bitnetGraphLinears(
  config: ModelConfig,
  observe?: (layer: string, input: tf.Tensor) => void,
): LinearFactory {
  return (spec, init) => {
    const linear = denseLinear(spec, init);
    if (!SUB_NORMED.test(spec.name)) return linear;
    const weight = linear.weights.get(`${spec.name}.weight`) as tf.Variable<tf.Rank.R2>;
    return {
      ...linear,
      apply: (x) =>
        tf.tidy(() => {
          observe?.(spec.name, x);
          return applyMatrix(parameterFreeRmsNorm(x, config.normEps), weight);
        }),
    };
  };
}

/** Accumulates 1/rms of each token's input per layer: the constant a plain Llama multiplies by instead of BitLinear's norm. */
export class InverseRmsMeans {
  private readonly sums = new Map<string, { sum: number; count: number }>();

  /** Adds the rows of `input` (`[…, width]`) seen by `layer`. */
  add(layer: string, input: tf.Tensor, eps: number): void {
    const inverse = tf.tidy(() => tf.rsqrt(tf.add(tf.mean(tf.square(input), -1), eps)));
    const values = inverse.dataSync();
    inverse.dispose();
    const entry = this.sums.get(layer) ?? { sum: 0, count: 0 };
    for (const value of values) entry.sum += value;
    entry.count += values.length;
    this.sums.set(layer, entry);
  }

  /** The mean 1/rms by layer name. */
  means(): Map<string, number> {
    return new Map([...this.sums].map(([layer, { sum, count }]) => [layer, sum / count]));
  }
}

/** `weights` with each `<layer>.weight` multiplied by `scales.get(layer)`. */
export function scaleLayers(
  weights: ReadonlyMap<string, HostWeight>,
  scales: ReadonlyMap<string, number>,
): Map<string, HostWeight> {
  const out = new Map(weights);
  for (const [layer, scale] of scales) {
    const weight = weights.get(`${layer}.weight`) as HostWeight;
    out.set(`${layer}.weight`, { shape: weight.shape, data: weight.data.map((value) => value * scale) });
  }
  return out;
}

/** `ternaryLayers` of a BitNet record after the block stack was repeated `depth` times (ACT unrolled). */
export function repeatedTernaryLayers(layers: readonly string[], nLayers: number, depth: number): string[] {
  const out: string[] = [];
  for (let pass = 0; pass < depth; pass++) {
    for (const layer of layers) {
      out.push(layer.replace(/^blocks\.(\d+)\./, (_, block: string) => `blocks.${pass * nLayers + Number(block)}.`));
    }
  }
  return out;
}
