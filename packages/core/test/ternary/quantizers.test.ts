import { beforeAll, describe, expect, it } from 'vitest';
import { TinyTitan, absmaxActivations, absmeanTernary, ternaryWeight, tf, useBackend } from '../../src/index.js';
import { MICRO, bitnetCopy, randomTensor } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('absmean ternary weights', () => {
  it('matches the hand-computed case: γ = mean|W|, W_q = RoundClip(W / γ)', () => {
    const { ternary, scale } = absmeanTernary(
      tf.tensor2d([
        [0.5, 0.1],
        [0.45, -0.5],
      ]),
    );
    expect(scale.dataSync()[0]).toBeCloseTo(0.3875, 6);
    expect(Array.from(ternary.dataSync())).toEqual([1, 0, 1, -1]);
  });

  it('puts every quantized weight in {−1, 0, +1}·γ, with γ the mean absolute latent weight', () => {
    for (const [seed, std] of [
      [1, 0.02],
      [2, 1],
      [3, 30],
    ] as const) {
      const latent = randomTensor(seed, [17, 23], std);
      const gamma = Array.from(latent.dataSync()).reduce((sum, v) => sum + Math.abs(v), 0) / latent.size;
      const { ternary, scale } = absmeanTernary(latent);
      const used = scale.dataSync()[0] as number;
      expect(used).toBeCloseTo(gamma, 4);
      expect(new Set(ternary.dataSync())).toEqual(new Set([-1, 0, 1]));
      for (const value of ternaryWeight(latent).dataSync()) expect([-used, 0, used]).toContain(value);
    }
  });

  it('leaves every ternary layer of a converted model in {−1, 0, +1}·γ and the rest untouched', () => {
    const dense = new TinyTitan(MICRO, { seed: 4 });
    const { model, extension } = bitnetCopy(dense);
    expect(extension.ternaryLayers).toEqual([
      'blocks.0.attn.q',
      'blocks.0.attn.k',
      'blocks.0.attn.v',
      'blocks.0.attn.o',
      'blocks.0.mlp.gate',
      'blocks.0.mlp.up',
      'blocks.0.mlp.down',
    ]);
    const denseWeights = dense.namedWeights();
    const converted = model.namedWeights();
    expect([...converted.keys()].sort()).toEqual([...denseWeights.keys()].sort());
    const ternaryNames = new Set(extension.ternaryLayers.map((layer) => `${layer}.weight`));
    const rest = [...converted.keys()].filter((name) => !ternaryNames.has(name));
    expect(rest).toEqual(expect.arrayContaining(['embed.weight']));
    // The rest (embeddings, norms, anything not ternary) and the latent weights: the dense model's, bit for bit.
    for (const [name, weight] of converted) {
      expect(Buffer.from(weight.dataSync().buffer), name).toEqual(
        Buffer.from((denseWeights.get(name) as tf.Variable).dataSync().buffer),
      );
    }
    // Each ternary layer's weight, quantized by hand here: γ = mean|W|, W_q = RoundClip(W/γ, −1, 1).
    for (const name of ternaryNames) {
      const latent = converted.get(name) as tf.Variable;
      const values = latent.dataSync() as Float32Array;
      const gamma = values.reduce((sum, v) => sum + Math.abs(v), 0) / values.length;
      const byHand = values.map((v) => Math.max(-1, Math.min(1, Math.round(v / gamma))) * gamma);
      const quantized = ternaryWeight(latent).dataSync();
      quantized.forEach((value, i) => expect(value, name).toBeCloseTo(byHand[i] as number, 5));
      expect(new Set(quantized).size, name).toBe(3);
    }
    // And the converted model computes with them: its logits differ from the dense model's.
    const tokens = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    const difference = tf.tidy(
      () => tf.max(tf.abs(tf.sub(model.forward(tokens), dense.forward(tokens)))).dataSync()[0],
    );
    expect(difference).toBeGreaterThan(1e-4);
    tokens.dispose();
    dense.dispose();
    model.dispose();
  });
});

describe('per-token absmax 8-bit activations', () => {
  it('maps each token to integers in [−128, 127] times its own scale, the largest to ±127', () => {
    const x = tf.tensor2d([
      [0.1, -2, 0.5, 1],
      [30, 3, -0.03, 0],
    ]);
    const quantized = absmaxActivations(x, 8).arraySync() as number[][];
    const rows = x.arraySync() as number[][];
    rows.forEach((row, r) => {
      const scale = 127 / Math.max(...row.map(Math.abs));
      const levels = (quantized[r] as number[]).map((v) => v * scale);
      levels.forEach((level, c) => {
        expect(Math.abs(level - Math.round(level))).toBeLessThan(1e-3);
        expect(Math.round(level)).toBeGreaterThanOrEqual(-128);
        expect(Math.round(level)).toBeLessThanOrEqual(127);
        expect(Math.round(level)).toBe(Math.round((row[c] as number) * scale));
      });
      expect(Math.max(...levels.map((v) => Math.round(Math.abs(v))))).toBe(127);
    });
  });

  it('quantizes per token, not per tensor: a large token does not flatten a small one', () => {
    const quantized = absmaxActivations(
      tf.tensor2d([
        [1000, -1000],
        [0.001, 0.002],
      ]),
      8,
    ).arraySync() as number[][];
    expect(quantized[1]?.[0]).toBeGreaterThan(0);
    expect(quantized[1]?.[1]).toBeCloseTo(0.002, 6);
  });
});
