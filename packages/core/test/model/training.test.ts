import { useBackend } from '../../src/backend/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import { TinyTitan } from '../../src/model/index.js';
import { VARIANTS } from './helpers.js';

describe('training signal', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  describe.each(Object.entries(VARIANTS))('%s', (_label, config) => {
    it('gives every weight a non-zero gradient', () => {
      const model = new TinyTitan(config, { seed: 4 });
      const weights = model.namedWeights();
      const tokens = tf.tensor2d([[1, 5, 9, 2, 7, 3, 11, 4]], [1, 8], 'int32');
      const { value, grads } = tf.variableGrads(() => model.loss(tokens), [...weights.values()]);
      for (const [name, variable] of weights) {
        const gradient = grads[variable.name];
        expect(gradient, name).toBeDefined();
        expect(gradient?.shape, name).toEqual(variable.shape);
        expect(
          tf.tidy(() => tf.sum(tf.abs(gradient as tf.Tensor)).dataSync()[0]),
          name,
        ).toBeGreaterThan(0);
      }
      tf.dispose([value, tokens, ...Object.values(grads)]);
      model.dispose();
    });

    it('lowers the loss on a repeated sequence within a few Adam steps', () => {
      const model = new TinyTitan(config, { seed: 4 });
      const sequence = Array.from({ length: 13 }, (_, i) => [3, 14, 15, 9][i % 4] as number);
      const tokens = tf.tensor2d([sequence, sequence], [2, 13], 'int32');
      const optimizer = tf.train.adam(0.01);
      const variables = [...model.namedWeights().values()];
      const losses: number[] = [];
      const before = tf.memory().numTensors;
      for (let step = 0; step < 8; step++) {
        const loss = optimizer.minimize(() => model.loss(tokens), true, variables) as tf.Scalar;
        losses.push(loss.dataSync()[0] as number);
        loss.dispose();
        // Adam keeps two moment tensors per weight, created on the first step; nothing else may stay.
        if (step === 0) expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2 * variables.length + 2);
      }
      const afterFirstStep = tf.memory().numTensors;
      expect(losses[7]).toBeLessThan((losses[0] as number) * 0.7);
      optimizer.dispose();
      expect(tf.memory().numTensors).toBeLessThan(afterFirstStep);
      tokens.dispose();
      model.dispose();
    });
  });
});
