import { useBackend } from '../../src/backend/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { ForgeError } from '../../src/errors.js';
import { MODEL_PRESETS, TinyTitan } from '../../src/model/index.js';
import { MICRO, VARIANTS, maxAbsDifference, randomTokens } from './helpers.js';

describe('TinyTitan', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('initialises identically from the same seed and differently from another', () => {
    const a = new TinyTitan(MICRO, { seed: 7 });
    const b = new TinyTitan(MICRO, { seed: 7 });
    const c = new TinyTitan(MICRO, { seed: 8 });
    for (const [name, weight] of a.namedWeights()) {
      expect(maxAbsDifference(weight, b.namedWeights().get(name) as tf.Variable), name).toBe(0);
    }
    // Norm gains start at 1 whatever the seed; every random matrix must differ.
    const randomNames = [...a.namedWeights().keys()].filter((name) => !name.includes('norm'));
    for (const name of randomNames) {
      expect(
        maxAbsDifference(a.namedWeights().get(name) as tf.Variable, c.namedWeights().get(name) as tf.Variable),
        name,
      ).toBeGreaterThan(0);
    }
    [a, b, c].forEach((model) => model.dispose());
  });

  it('draws init with the configured std, and smaller for residual output projections', () => {
    const model = new TinyTitan(MODEL_PRESETS.tiny, { seed: 3 });
    const std = (name: string) =>
      tf.tidy(
        () =>
          tf
            .moments(model.namedWeights().get(name) as tf.Variable)
            .variance.sqrt()
            .dataSync()[0] as number,
      );
    expect(std('embed.weight')).toBeCloseTo(0.02, 3);
    expect(std('blocks.0.attn.q.weight')).toBeCloseTo(0.02, 3);
    expect(std('blocks.1.mlp.down.weight')).toBeCloseTo(0.02 / Math.sqrt(4), 3);
    model.dispose();
  });

  describe.each(Object.entries(VARIANTS))('%s', (_label, config) => {
    let model: TinyTitan;
    beforeAll(() => {
      model = new TinyTitan(config, { seed: 1 });
    });
    afterAll(() => model.dispose());

    it('maps int32 [B, T] tokens to [B, T, V] logits without leaking a tensor', () => {
      const tokens = randomTokens(1, 3, 10, model.config.vocabSize);
      const sequences = randomTokens(2, 2, 11, model.config.vocabSize);
      const before = tf.memory().numTensors;
      const logits = model.forward(tokens);
      expect(logits.shape).toEqual([3, 10, model.config.vocabSize]);
      expect(Number.isFinite(tf.tidy(() => tf.sum(tf.abs(logits)).dataSync()[0]))).toBe(true);
      logits.dispose();
      model.loss(sequences).dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([tokens, sequences]);
    });

    it('is causal: changing a later token leaves earlier logits untouched, and changes later ones', () => {
      const ids = [[3, 9, 4, 1, 7, 2, 8, 5]];
      const changed = [[3, 9, 4, 1, 12, 2, 8, 5]];
      const [original, edited] = [ids, changed].map((rows) => model.forward(tf.tensor2d(rows, [1, 8], 'int32')));
      const before = (tensor: tf.Tensor3D) => tf.slice(tensor, [0, 0, 0], [1, 4, -1]);
      const after = (tensor: tf.Tensor3D) => tf.slice(tensor, [0, 4, 0], [1, 4, -1]);
      expect(maxAbsDifference(before(original as tf.Tensor3D), before(edited as tf.Tensor3D))).toBe(0);
      expect(maxAbsDifference(after(original as tf.Tensor3D), after(edited as tf.Tensor3D))).toBeGreaterThan(1e-6);
    });

    it('depends on order: swapping two earlier tokens changes the logits of the last one', () => {
      // Without position information attention is permutation-invariant over the keys it sees.
      const [original, swapped] = [[[3, 9, 4]], [[9, 3, 4]]].map((rows) =>
        model.forward(tf.tensor2d(rows, [1, 3], 'int32')),
      );
      const last = (tensor: tf.Tensor3D) => tf.slice(tensor, [0, 2, 0], [1, 1, -1]);
      expect(maxAbsDifference(last(original as tf.Tensor3D), last(swapped as tf.Tensor3D))).toBeGreaterThan(1e-6);
    });

    it('starts with a loss near ln V (an untrained model is close to uniform)', () => {
      const loss = model.loss(randomTokens(3, 4, 12, model.config.vocabSize));
      expect(loss.dataSync()[0]).toBeCloseTo(Math.log(model.config.vocabSize), 0);
    });
  });

  it('leaves targets equal to ignoreId out of the loss', () => {
    const model = new TinyTitan(MICRO, { seed: 2 });
    const pad = 0;
    const full = tf.tensor2d([[5, 6, 7, 8, 9]], [1, 5], 'int32');
    const padded = tf.tensor2d([[5, 6, 7, pad, pad]], [1, 5], 'int32');
    const prefix = tf.tensor2d([[5, 6, 7]], [1, 3], 'int32');
    const paddedLoss = model.loss(padded, { ignoreId: pad }).dataSync()[0] as number;
    // Only targets 6 and 7 count, exactly the loss of the unpadded prefix.
    expect(paddedLoss).toBeCloseTo(model.loss(prefix).dataSync()[0] as number, 5);
    expect(paddedLoss).not.toBeCloseTo(model.loss(padded).dataSync()[0] as number, 3);
    expect(model.loss(full, { ignoreId: pad }).dataSync()[0]).toBeCloseTo(model.loss(full).dataSync()[0] as number, 6);
    model.dispose();
  });

  it('rejects float tokens and sequences longer than the context', () => {
    const model = new TinyTitan(MICRO);
    expect(() => model.forward(tf.zeros([1, 4]) as tf.Tensor2D)).toThrow(ForgeError);
    expect(() => model.forward(tf.zeros([1, 17], 'int32') as tf.Tensor2D)).toThrow(/outside \[1, 16\]/);
    expect(() => model.loss(tf.zeros([1, 17], 'int32') as tf.Tensor2D)).not.toThrow();
    model.dispose();
  });

  it('loads weights from another model so both compute the same logits', () => {
    const source = new TinyTitan(MICRO, { seed: 10 });
    const target = new TinyTitan(MICRO, { seed: 11 });
    const tokens = randomTokens(4, 2, 6, MICRO.vocabSize);
    expect(maxAbsDifference(source.forward(tokens), target.forward(tokens))).toBeGreaterThan(1e-6);
    const copies = new Map([...source.namedWeights()].map(([name, weight]) => [name, tf.clone(weight)]));
    target.loadWeights(Object.fromEntries(copies));
    expect(maxAbsDifference(source.forward(tokens), target.forward(tokens))).toBe(0);
    source.dispose();
    copies.forEach((tensor) => tensor.dispose());
    // The loaded model owns its values: disposing the source and the copies does not affect it.
    expect(target.forward(tokens).shape).toEqual([2, 6, MICRO.vocabSize]);
    target.dispose();
  });

  it('refuses weights with a wrong shape, a missing or an unknown name, and assigns nothing then', () => {
    const model = new TinyTitan(MICRO, { seed: 1 });
    const weights = model.namedWeights();
    const snapshot = tf.clone(weights.get('embed.weight') as tf.Variable);
    const good = new Map<string, tf.Tensor>([...weights].map(([name, weight]) => [name, tf.zerosLike(weight)]));
    const wrongShape = new Map(good).set('blocks.0.attn.q.weight', tf.zeros([16, 8]));
    const missing = new Map(good);
    missing.delete('norm_f.weight');
    const unknown = new Map(good).set('blocks.9.attn.q.weight', tf.zeros([16, 16]));
    expect(() => model.loadWeights(wrongShape)).toThrow(
      /'blocks\.0\.attn\.q\.weight' has shape \[16, 8\], expected \[16, 16\]/,
    );
    expect(() => model.loadWeights(missing)).toThrow(/missing 'norm_f\.weight'/);
    expect(() => model.loadWeights(unknown)).toThrow(/unexpected 'blocks\.9\.attn\.q\.weight'/);
    expect(maxAbsDifference(weights.get('embed.weight') as tf.Variable, snapshot)).toBe(0);
    model.dispose();
  });

  it('frees every tensor it owns on dispose', () => {
    const before = tf.memory().numTensors;
    const model = new TinyTitan({ ...MICRO, positions: 'rotary' });
    const cache = model.createCache();
    tf.tidy(() => {
      model.forwardStep(tf.tensor2d([[1, 2]], [1, 2], 'int32'), cache);
    });
    cache.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
