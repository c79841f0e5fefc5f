// Quiet-STaR training (thought rollouts, the mixing head, REINFORCE) and its evaluation leak nothing:
// tf.memory() after a run of N steps equals tf.memory() after a run of 2N, on the default backend.
import path from 'node:path';
import { createTitanModel, initBackend, runPipeline, tf, titanExtensions } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { quietstarPhase } from '../src/index.js';
import { MICRO, fakeResult, saveInput, tempDir } from './helpers.js';

const CONFIG = {
  batchSize: 2,
  microBatchSize: 1,
  thoughtPositions: 6,
  thoughtLength: 2,
  nTrue: 2,
  evalWindows: 2,
  evalProblems: 1,
  maxNewTokens: 3,
  latencyTokens: 2,
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
};

beforeAll(async () => {
  await initBackend();
});

describe('quietstar leaks nothing', () => {
  it('holds as many tensors after a 4-step run as after a 2-step one', async () => {
    const root = tempDir('leaks');
    const inputDir = path.join(root, 'input');
    const model = createTitanModel(MICRO, { act: { maxSteps: 2 }, memory: { chunkSize: 4 } }, { seed: 2 });
    await saveInput(inputDir, model, titanExtensions(model));
    model.dispose();
    const run = async (steps: number): Promise<tf.MemoryInfo> => {
      await runPipeline({
        phases: [quietstarPhase],
        runsDir: path.join(root, `runs-${steps}`),
        input: fakeResult([{ dir: inputDir, role: 'reasoning' }]),
        phaseConfigs: { quietstar: { ...CONFIG, steps } },
        seed: 1,
      });
      return tf.memory();
    };
    await run(1); // first use of each kernel and shape
    const afterN = await run(2);
    const after2N = await run(4);
    expect(after2N.numTensors).toBe(afterN.numTensors);
    expect(after2N.numBytes).toBe(afterN.numBytes);
  });
});
