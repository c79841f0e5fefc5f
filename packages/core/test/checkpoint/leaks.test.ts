// Saving and loading checkpoints must not leave tensors behind: as many after N save → load cycles as
// after 2N (and none beyond the live model), for model checkpoints and for training state.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { loadModelCheckpoint, saveModelCheckpoint } from '../../src/checkpoint/index.js';
import { trainBpe } from '../../src/data/index.js';
import { TinyTitan } from '../../src/model/index.js';
import { AdamW, loadTrainState, saveTrainState } from '../../src/train/index.js';
import { streamSource } from '../train/helpers.js';

beforeAll(async () => {
  await initBackend();
});

const tempDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'forge-leaks-'));

/** Tensors alive after `cycle` ran `count` more times. */
async function tensorsAfter(count: number, cycle: () => Promise<void>): Promise<number> {
  for (let i = 0; i < count; i++) await cycle();
  return tf.memory().numTensors;
}

describe('checkpoint save and load', () => {
  it('model checkpoints: as many tensors after N save → load cycles as after 2N, none left over', async () => {
    const tokenizer = trainBpe(['abc abc'], { vocabSize: 280 });
    const model = new TinyTitan({
      vocabSize: tokenizer.vocabSize,
      dModel: 16,
      nLayers: 1,
      nHeads: 2,
      contextLength: 8,
    });
    const dir = path.join(tempDir(), 'ckpt');
    const before = tf.memory().numTensors;
    const cycle = async (): Promise<void> => {
      await saveModelCheckpoint(dir, { model, tokenizer });
      (await loadModelCheckpoint(dir)).model.dispose();
    };
    const afterN = await tensorsAfter(3, cycle);
    expect(await tensorsAfter(3, cycle)).toBe(afterN);
    expect(afterN).toBe(before);
    model.dispose();
  });

  it('training state: as many tensors after N save → load cycles as after 2N', async () => {
    const model = new TinyTitan({ vocabSize: 24, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 8 }, { seed: 1 });
    const weights = model.namedWeights();
    const optimizer = new AdamW({ beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.1 });
    // One update, so there are AdamW moments to save and restore.
    const gradients = new Map([...weights].map(([name, w]) => [name, tf.onesLike(w)]));
    optimizer.apply(weights, gradients, 1e-3);
    tf.dispose([...gradients.values()]);
    const parts = { weights, optimizer, data: streamSource(), transforms: [] };
    const dir = path.join(tempDir(), 'state');
    const cycle = async (): Promise<void> => {
      await saveTrainState(dir, { ...parts, step: 1, microBatch: 1 });
      await loadTrainState(dir, parts);
    };
    const afterN = await tensorsAfter(3, cycle);
    expect(await tensorsAfter(3, cycle)).toBe(afterN);
    optimizer.dispose();
    model.dispose();
  });
});
