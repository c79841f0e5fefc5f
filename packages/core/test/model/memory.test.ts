import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { tf } from '../../src/backend/tf.js';
import {
  createTitanModel,
  ponderingLoss,
  titanRunnerOf,
  type TinyTitan,
  type TitanSettingsInput,
} from '../../src/model/index.js';
import { MICRO, maxAbsDifference, randomTokens } from './helpers.js';

const CHUNK = 4;
const memoryOnly: TitanSettingsInput = {
  act: { enabled: false },
  memory: { chunkSize: CHUNK, surpriseThreshold: 0.3, maxLearningRate: 0.5 },
};

/** Feeds `tokens` `[1, T]` through the cache and returns how far the committed memory moved (Frobenius). */
function memoryShift(model: TinyTitan, cache: ReturnType<TinyTitan['createCache']>, tokens: tf.Tensor2D): number {
  const runner = titanRunnerOf(model);
  const before = runner.sessionMemory();
  model.forwardStep(tokens, cache);
  const after = runner.sessionMemory() as tf.Tensor3D;
  const shift = tf.tidy(() => tf.sqrt(tf.sum(tf.square(tf.sub(after, before ?? after)))).dataSync()[0] ?? 0);
  before?.dispose();
  after.dispose();
  return shift;
}

describe('Titans long-term memory (MAL)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('changes the output when enabled, with the same weights', () => {
    const tokens = randomTokens(1, 2, 12, MICRO.vocabSize);
    const withMemory = createTitanModel(MICRO, memoryOnly, { seed: 5 });
    const without = createTitanModel(MICRO, { ...memoryOnly, memory: { enabled: false } }, { seed: 5 });
    expect([...without.namedWeights().keys()]).toEqual([...withMemory.namedWeights().keys()]);
    expect(maxAbsDifference(withMemory.forward(tokens), without.forward(tokens))).toBeGreaterThan(1e-5);
    withMemory.dispose();
    without.dispose();
  });

  it('moves more on a novel sequence than on a repeat of the one it has just stored', () => {
    const stored = randomTokens(11, 1, 8, MICRO.vocabSize);
    const novel = randomTokens(12, 1, 8, MICRO.vocabSize);
    const model = createTitanModel(MICRO, memoryOnly, { seed: 6 });
    const repeatCache = model.createCache();
    memoryShift(model, repeatCache, stored);
    const onRepeat = memoryShift(model, repeatCache, stored);
    const novelCache = model.createCache();
    memoryShift(model, novelCache, stored);
    const onNovel = memoryShift(model, novelCache, novel);
    expect(onRepeat).toBeGreaterThan(0);
    expect(onNovel).toBeGreaterThan(onRepeat);
    [repeatCache, novelCache].forEach((cache) => cache.dispose());
    model.dispose();
  });

  it('is less surprised by each repetition of a stored sequence, and more by a novel one', () => {
    const model = createTitanModel(MICRO, memoryOnly, { seed: 1 });
    const stored = randomTokens(21, 1, CHUNK, MICRO.vocabSize);
    const novel = randomTokens(22, 1, CHUNK, MICRO.vocabSize);
    const cache = model.createCache();
    const surprise = [stored, stored, stored, novel].map((tokens) => {
      model.forwardStep(tokens, cache);
      return titanRunnerOf(model).lastStats().meanSurprise;
    });
    expect(surprise[1]).toBeLessThan(surprise[0] as number);
    expect(surprise[2]).toBeLessThan(surprise[1] as number);
    expect(surprise[3]).toBeGreaterThan(surprise[2] as number);
    cache.dispose();
    model.dispose();
  });

  it('writes every token at surprise threshold 0 and none above any possible surprise', () => {
    const tokens = randomTokens(3, 2, 8, MICRO.vocabSize);
    const rate = (surpriseThreshold: number) => {
      const model = createTitanModel(
        MICRO,
        { ...memoryOnly, memory: { chunkSize: CHUNK, surpriseThreshold } },
        { seed: 1 },
      );
      model.forward(tokens);
      const stats = titanRunnerOf(model).lastStats();
      model.dispose();
      return stats.memoryWrites / stats.memoryTokens;
    };
    expect(rate(0)).toBe(1);
    // Unit keys and values bound the relative error ‖kW − v‖ far below 100 for this W_0.
    expect(rate(100)).toBe(0);
  });

  it('sends the training loss’s gradient to every memory weight: projections, W_0 and the θ/η/α gates', () => {
    const model = createTitanModel(MICRO, { memory: { chunkSize: CHUNK, surpriseThreshold: 0 } }, { seed: 7 });
    const memoryWeights = [...model.namedWeights()].filter(([name]) => name.startsWith('memory.'));
    expect(memoryWeights.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'memory.key.weight',
        'memory.value.weight',
        'memory.query.weight',
        'memory.out.weight',
        'memory.init.weight',
        'memory.lr.weight',
        'memory.momentum.weight',
        'memory.forget.weight',
      ]),
    );
    const tokens = randomTokens(4, 2, 15, MICRO.vocabSize);
    const { grads } = tf.variableGrads(
      () => ponderingLoss(model).loss(tokens),
      memoryWeights.map(([, weight]) => weight),
    );
    for (const [name, weight] of memoryWeights) {
      const norm = tf.tidy(() => tf.sum(tf.abs(grads[weight.name] as tf.Tensor)).dataSync()[0] ?? 0);
      expect(norm, name).toBeGreaterThan(0);
    }
    model.dispose();
  });

  it('keeps a chunk shorter than chunkSize open across calls and commits it when the chunk completes', () => {
    const model = createTitanModel(
      MICRO,
      { ...memoryOnly, memory: { chunkSize: CHUNK, surpriseThreshold: 0 } },
      { seed: 8 },
    );
    const cache = model.createCache();
    const ids = randomTokens(9, 1, CHUNK, MICRO.vocabSize).arraySync()[0] as number[];
    const shifts = ids.map((id) => memoryShift(model, cache, tf.tensor2d([[id]], [1, 1], 'int32')));
    expect(shifts.slice(0, CHUNK - 1)).toEqual(Array(CHUNK - 1).fill(0));
    expect(shifts[CHUNK - 1]).toBeGreaterThan(0);
    cache.dispose();
    model.dispose();
  });

  it('decodes with the cache exactly as the full forward computes, ACT and memory together', () => {
    const model = createTitanModel(
      MICRO,
      { act: { maxSteps: 3 }, memory: { chunkSize: CHUNK, surpriseThreshold: 0.3 } },
      { seed: 9 },
    );
    const tokens = randomTokens(10, 1, 11, MICRO.vocabSize);
    const full = model.forward(tokens);
    const cache = model.createCache();
    const ids = tokens.arraySync()[0] as number[];
    const prefill = model.forwardStep(tf.tensor2d([ids.slice(0, 6)], [1, 6], 'int32'), cache);
    const steps = ids.slice(6).map((id) => model.forwardStep(tf.tensor2d([[id]], [1, 1], 'int32'), cache));
    const cached = tf.concat([prefill, ...steps], 1);
    expect(maxAbsDifference(cached, full)).toBeLessThan(1e-4);
    cache.dispose();
    model.dispose();
  });
});
