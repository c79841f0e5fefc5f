import { useBackend } from '../../src/backend/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { ForgeError } from '../../src/errors.js';
import { TinyTitan } from '../../src/model/index.js';
import { MICRO, VARIANTS, maxAbsDifference, randomTokens } from './helpers.js';

const TOLERANCE = 1e-4;

describe('KV-cached decoding', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  describe.each(Object.entries(VARIANTS))('%s', (_label, config) => {
    let model: TinyTitan;
    beforeAll(() => {
      model = new TinyTitan(config, { seed: 5 });
    });
    afterAll(() => model.dispose());

    it('prefill then one token at a time gives the full forward’s logits at every position', () => {
      const length = model.config.contextLength;
      const tokens = randomTokens(9, 2, length, model.config.vocabSize);
      const full = model.forward(tokens);
      const cache = model.createCache();
      const prefillLength = 5;
      const steps = [model.forwardStep(tf.slice(tokens, [0, 0], [2, prefillLength]), cache)];
      for (let position = prefillLength; position < length; position++) {
        steps.push(model.forwardStep(tf.slice(tokens, [0, position], [2, 1]), cache));
      }
      expect(cache.length).toBe(length);
      const incremental = tf.concat(steps, 1);
      expect(incremental.shape).toEqual(full.shape);
      expect(maxAbsDifference(incremental, full)).toBeLessThan(TOLERANCE);
      cache.dispose();
      tf.dispose([tokens, full, incremental, ...steps]);
    });

    it('accepts multi-token chunks after a prefill (the mask is offset by the cache length)', () => {
      const tokens = randomTokens(10, 1, 12, model.config.vocabSize);
      const full = model.forward(tokens);
      const cache = model.createCache();
      const chunks = [
        [0, 4],
        [4, 3],
        [7, 5],
      ].map(([start, size]) => model.forwardStep(tf.slice(tokens, [0, start as number], [1, size as number]), cache));
      expect(maxAbsDifference(tf.concat(chunks, 1), full)).toBeLessThan(TOLERANCE);
      cache.dispose();
    });

    it('decodes through a pre-transposed copy of a tied head, and needs none for an untied one', () => {
      const cache = model.createCache();
      const { dModel, vocabSize } = model.config;
      expect(cache.inferenceHead?.shape ?? null).toEqual(model.config.tiedEmbeddings ? [dModel, vocabSize] : null);
      cache.dispose();
      expect(cache.inferenceHead).toBeNull();
    });

    it('keeps exactly the cache’s tensors between steps and frees them on dispose', () => {
      const steps = [[[1, 2, 3]], [[4]], [[5]]].map((rows) => tf.tensor2d(rows, [1, rows[0]?.length ?? 0], 'int32'));
      const before = tf.memory().numTensors;
      const cache = model.createCache();
      for (const tokens of steps) model.forwardStep(tokens, cache).dispose();
      const headTensors = model.config.tiedEmbeddings ? 1 : 0;
      expect(tf.memory().numTensors - before).toBe(2 * model.config.nLayers + headTensors);
      cache.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(steps);
    });
  });

  it('refuses to grow past the context length', () => {
    const model = new TinyTitan(MICRO);
    const cache = model.createCache();
    model.forwardStep(tf.zeros([1, 15], 'int32') as tf.Tensor2D, cache);
    expect(() => model.forwardStep(tf.zeros([1, 2], 'int32') as tf.Tensor2D, cache)).toThrow(ForgeError);
    expect(() => model.forwardStep(tf.zeros([1, 1], 'int32') as tf.Tensor2D, cache)).not.toThrow();
    cache.dispose();
    model.dispose();
  });

  it('decodes with the weights as they are when the cache is created, also after they change', () => {
    const model = new TinyTitan(MICRO, { seed: 1 });
    const tokens = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    const stale = model.createCache();
    model.forwardStep(tokens, stale).dispose();
    stale.dispose();
    const embed = model.namedWeights().get('embed.weight') as tf.Variable;
    embed.assign(tf.mul(embed, 2));
    const cache = model.createCache();
    expect(maxAbsDifference(model.forwardStep(tokens, cache), model.forward(tokens))).toBeLessThan(TOLERANCE);
    cache.dispose();
    model.dispose();
  });
});
