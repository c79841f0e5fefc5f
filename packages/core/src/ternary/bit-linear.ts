/**
 * BitLinear: the drop-in replacement for TinyTitan's dense linear layer. It keeps a full-precision
 * latent weight `<name>.weight` `[in, out]` (so dense checkpoints load into it by name) and computes
 *
 *   y = Q_act(norm(x)) · (W_q · γ)
 *
 * with both quantizers passed straight through for the gradient (ste.ts).
 */
import { tf } from '../backend/tf.js';
import { applyMatrix, denseLinear, type Linear, type LinearFactory, type LinearSpec } from '../model/linear.js';
import { normalWeight, type WeightInit } from '../model/weights.js';
import { absmaxActivations, parameterFreeRmsNorm, ternaryWeight } from './quantizers.js';
import { isTernaryLayer, type BitNetSettings } from './settings.js';
import { straightThrough } from './ste.js';

const ternaryWithSte = straightThrough(ternaryWeight);

/** The activation path of BitLinear: optional norm, then per-token absmax quantization (STE). */
export function quantizeInput(x: tf.Tensor, settings: BitNetSettings): tf.Tensor {
  return tf.tidy(() => {
    const normed = settings.inputNorm === 'rms' ? parameterFreeRmsNorm(x, settings.normEps) : x;
    return straightThrough((value) => absmaxActivations(value, settings.activationBits))(normed);
  });
}

/** One BitLinear layer with a freshly initialised latent weight. */
export function createBitLinear(spec: LinearSpec, init: WeightInit, settings: BitNetSettings): Linear {
  const weightName = `${spec.name}.weight`;
  const weight = normalWeight(init, weightName, [spec.inFeatures, spec.outFeatures], spec.initStd);
  return {
    name: spec.name,
    inFeatures: spec.inFeatures,
    outFeatures: spec.outFeatures,
    weights: new Map([[weightName, weight]]),
    apply: (x) => tf.tidy(() => applyMatrix(quantizeInput(x, settings), ternaryWithSte(weight) as tf.Tensor2D)),
  };
}

/** A factory for TinyTitan: BitLinear for the layers `settings` selects, the dense layer for the rest. */
export function bitLinearFactory(settings: BitNetSettings): LinearFactory {
  return (spec, init) =>
    isTernaryLayer(spec.name, settings) ? createBitLinear(spec, init, settings) : denseLinear(spec, init);
}
