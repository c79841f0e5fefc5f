import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, tf, useBackend } from '../../src/index.js';
import {
  BitNetSettingsSchema,
  absmaxActivations,
  createBitLinear,
  parameterFreeRmsNorm,
  ternaryWeight,
} from '../../src/index.js';
import type { BitNetSettingsInput } from '../../src/index.js';
import { maxAbsDifference, randomTensor } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const spec = { name: 'blocks.0.mlp.up', inFeatures: 7, outFeatures: 5, initStd: 0.3 };

function layer(settings: BitNetSettingsInput = {}) {
  return createBitLinear(spec, { rng: Rng.fromSeed(11) }, BitNetSettingsSchema.parse(settings));
}

/** The reference, on the host: RMSNorm → per-token absmax int8 → · (W_q·γ), in float64. */
function hostForward(x: number[][], w: number[][], useNorm: boolean): number[][] {
  const flatW = w.flat();
  const gamma = flatW.reduce((s, v) => s + Math.abs(v), 0) / flatW.length;
  const wq = w.map((row) => row.map((v) => Math.max(-1, Math.min(1, Math.round(v / (gamma + 1e-5)))) * gamma));
  return x.map((row) => {
    const rms = Math.sqrt(row.reduce((s, v) => s + v * v, 0) / row.length + 1e-5);
    const normed = useNorm ? row.map((v) => v / rms) : row;
    const scale = 127 / Math.max(...normed.map(Math.abs));
    const xq = normed.map((v) => Math.max(-128, Math.min(127, Math.round(v * scale))) / scale);
    return Array.from({ length: w[0]?.length ?? 0 }, (_, j) => xq.reduce((s, v, i) => s + v * (wq[i]?.[j] ?? 0), 0));
  });
}

describe('BitLinear', () => {
  for (const inputNorm of ['rms', 'none'] as const) {
    it(`forward equals the float matmul of the dequantized weights with the quantized activations (norm: ${inputNorm})`, () => {
      const bit = layer({ inputNorm });
      const weight = bit.weights.get('blocks.0.mlp.up.weight') as tf.Variable;
      const x = randomTensor(3, [2, 3, 7], 2);
      const expected = hostForward(
        x.reshape([6, 7]).arraySync() as number[][],
        weight.arraySync() as number[][],
        inputNorm === 'rms',
      );
      const actual = bit.apply(x);
      expect(actual.shape).toEqual([2, 3, 5]);
      expect(maxAbsDifference(actual.reshape([6, 5]), tf.tensor2d(expected))).toBeLessThan(1e-4);
      const float = tf.matMul(x.reshape([6, 7]), weight);
      expect(maxAbsDifference(actual.reshape([6, 5]), float)).toBeGreaterThan(1e-3);
    });
  }

  it('STE: the gradient reaching the latent weights equals the gradient w.r.t. the quantized weights', () => {
    const bit = layer();
    const weight = bit.weights.get('blocks.0.mlp.up.weight') as tf.Variable;
    const x = randomTensor(4, [6, 7]);
    const upstream = randomTensor(5, [6, 5]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(bit.apply(x), upstream)), [weight]);
    const latentGrad = grads[weight.name] as tf.Tensor;
    const quantizedInput = absmaxActivations(parameterFreeRmsNorm(x, 1e-5), 8);
    const quantizedGrad = tf.grad((wq: tf.Tensor) =>
      tf.sum(tf.mul(tf.matMul(quantizedInput, wq as tf.Tensor2D), upstream)),
    )(ternaryWeight(weight));
    expect(maxAbsDifference(latentGrad, quantizedGrad)).toBeLessThan(1e-6);
    expect(tf.tidy(() => tf.sum(tf.abs(latentGrad)).dataSync()[0])).toBeGreaterThan(0);
  });

  it('STE: the gradient w.r.t. the input passes the activation quantizer as the identity', () => {
    const bit = layer({ inputNorm: 'none' });
    const weight = bit.weights.get('blocks.0.mlp.up.weight') as tf.Variable;
    const x = randomTensor(6, [4, 7]);
    const upstream = randomTensor(7, [4, 5]);
    const inputGrad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(bit.apply(input), upstream)))(x);
    const expected = tf.matMul(upstream, ternaryWeight(weight), false, true);
    expect(maxAbsDifference(inputGrad, expected)).toBeLessThan(1e-6);
  });
});
