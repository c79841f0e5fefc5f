import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { tf } from '../../src/backend/tf.js';
import { createTitanModel, ponderingLoss, titanRunnerOf } from '../../src/model/index.js';
import { MICRO, randomTokens } from './helpers.js';

const SETTINGS = { act: { maxSteps: 3 }, memory: { chunkSize: 4, surpriseThreshold: 0.3 } };

// ACT + memory on wasm, the training default: same logits as the reference backend, and a training
// step whose gradients reach the memory's projections.
describe('ACT + memory on the wasm backend', () => {
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
  });

  it('matches the cpu backend and trains the memory projections', async () => {
    await useBackend('cpu');
    const reference = createTitanModel(MICRO, SETTINGS, { seed: 3 });
    const tokens = randomTokens(2, 2, 12, MICRO.vocabSize).arraySync();
    const onCpu = reference.forward(tf.tensor2d(tokens, undefined, 'int32')).dataSync();
    const cpuStats = titanRunnerOf(reference).lastStats();
    reference.dispose();

    expect(await tf.setBackend('wasm')).toBe(true);
    const model = createTitanModel(MICRO, SETTINGS, { seed: 3 });
    const onWasm = model.forward(tf.tensor2d(tokens, undefined, 'int32')).dataSync();
    let largest = 0;
    for (let i = 0; i < onCpu.length; i++)
      largest = Math.max(largest, Math.abs((onCpu[i] as number) - (onWasm[i] as number)));
    expect(largest).toBeLessThan(1e-4);
    expect(titanRunnerOf(model).lastStats().memoryWrites).toBe(cpuStats.memoryWrites);

    const key = model.namedWeights().get('memory.key.weight') as tf.Variable;
    const { value, grads } = tf.variableGrads(
      () => ponderingLoss(model).loss(randomTokens(4, 2, 13, MICRO.vocabSize)),
      [key],
    );
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(tf.tidy(() => tf.sum(tf.abs(grads[key.name] as tf.Tensor)).dataSync()[0])).toBeGreaterThan(0);
    model.dispose();
    await useBackend('cpu');
  });
});
