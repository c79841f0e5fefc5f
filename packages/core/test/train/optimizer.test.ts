import { useBackend } from '../../src/backend/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import {
  AdamW,
  TrainConfigSchema,
  chooseMicroBatch,
  clipByGlobalNorm,
  learningRateAt,
  LossGuard,
} from '../../src/train/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('learning-rate schedule', () => {
  const config = TrainConfigSchema.parse({ steps: 100, warmupSteps: 10, lr: 1, minLrRatio: 0.1 });
  it('warms up linearly, peaks, then decays by cosine to the floor', () => {
    expect(learningRateAt(1, config)).toBeCloseTo(0.1);
    expect(learningRateAt(5, config)).toBeCloseTo(0.5);
    expect(learningRateAt(10, config)).toBeCloseTo(1);
    expect(learningRateAt(55, config)).toBeCloseTo(0.55);
    expect(learningRateAt(100, config)).toBeCloseTo(0.1);
    const decay = Array.from({ length: 90 }, (_, i) => learningRateAt(11 + i, config));
    expect(decay.every((lr, i) => i === 0 || lr <= (decay[i - 1] ?? Infinity))).toBe(true);
  });
});

describe('AdamW', () => {
  it('matches a hand-computed update, with decay on matrices only', () => {
    const settings = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.5 };
    const matrix = tf.variable(tf.tensor2d([[1, -2]], [1, 2]));
    const gain = tf.variable(tf.tensor1d([3]));
    const weights = new Map<string, tf.Variable>([
      ['w', matrix],
      ['g', gain],
    ]);
    const optimizer = new AdamW(settings);
    const lr = 0.1;
    const grads = [
      [0.5, -1, 2],
      [0.25, 0.5, -1],
    ];
    const expected = { w: [1, -2], g: [3] };
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    grads.forEach((g, index) => {
      const t = index + 1;
      optimizer.apply(
        weights,
        new Map<string, tf.Tensor>([
          ['w', tf.tensor2d([g.slice(0, 2)], [1, 2])],
          ['g', tf.tensor1d([g[2] ?? 0])],
        ]),
        lr,
      );
      const flat = [...expected.w, ...expected.g];
      const next = flat.map((param, i) => {
        const grad = g[i] ?? 0;
        m[i] = 0.9 * (m[i] ?? 0) + 0.1 * grad;
        v[i] = 0.99 * (v[i] ?? 0) + 0.01 * grad * grad;
        const update = (m[i] ?? 0) / (1 - 0.9 ** t) / (Math.sqrt((v[i] ?? 0) / (1 - 0.99 ** t)) + 1e-8);
        const decay = i < 2 ? 0.5 * param : 0;
        return param - lr * (update + decay);
      });
      expected.w = next.slice(0, 2);
      expected.g = next.slice(2);
    });
    expect([...matrix.dataSync()].map((x) => Number(x.toFixed(5)))).toEqual(
      expected.w.map((x) => Number(x.toFixed(5))),
    );
    expect(gain.dataSync()[0]).toBeCloseTo(expected.g[0] ?? NaN, 5);
    expect(optimizer.state().size).toBe(4);
    optimizer.dispose();
  });
});

describe('clipByGlobalNorm', () => {
  it('reports the norm and scales gradients down to the limit', () => {
    const grads = new Map([
      ['a', tf.tensor1d([3, 0])],
      ['b', tf.tensor1d([4])],
    ]);
    expect(clipByGlobalNorm(grads, 1)).toBeCloseTo(5);
    expect(clipByGlobalNorm(grads, 1)).toBeCloseTo(1, 4);
    expect(grads.get('a')?.dataSync()[0]).toBeCloseTo(0.6, 4);
    expect(clipByGlobalNorm(grads, 10)).toBeCloseTo(1, 4);
  });
});

describe('chooseMicroBatch', () => {
  it('takes the largest divisor of the batch that fits the budget', () => {
    expect(chooseMicroBatch(8, 100, 1000)).toBe(8);
    expect(chooseMicroBatch(8, 300, 1000)).toBe(2);
    expect(chooseMicroBatch(12, 300, 1000)).toBe(3);
    expect(chooseMicroBatch(8, 5000, 1000)).toBe(1);
  });
});

describe('LossGuard', () => {
  it('stops on NaN and on a spike after warmup, naming the step', () => {
    const guard = new LossGuard(3, 2);
    guard.check(1, 2, 0.1);
    guard.check(2, 9, 0.1);
    guard.check(3, 2, 0.1);
    expect(() => guard.check(4, Number.NaN, 0.1)).toThrow(/loss became NaN at step 4/);
    expect(() => guard.check(5, 50, 0.1)).toThrow(/loss spiked to 50\.0000 at step 5/);
  });
});
