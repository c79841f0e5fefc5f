// A training run on the native kernels gives the losses of the same run on wasm's own kernels, and
// leaks nothing. The native kernels are required here (FORGE_NATIVE_KERNELS=1): in CI a missing
// build fails this file instead of skipping it.
process.env['FORGE_NATIVE_KERNELS'] = '1';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackend, initBackend, setNativeKernelsEnabled, tf } from '../../src/backend/index.js';
import { isNativeWasmBatchMatMulRegistered } from '../../src/backend/kernels/native-batch-matmul.js';
import { FUSED_KERNELS, hasFusedKernel } from '../../src/backend/kernels/native-addon.js';
import { MODEL_PRESETS, TinyTitan } from '../../src/model/index.js';
import { TrainConfigSchema, train } from '../../src/train/index.js';
import { streamSource } from './helpers.js';

const preset = MODEL_PRESETS.tiny;
const config = TrainConfigSchema.parse({
  steps: 12,
  batchSize: 4,
  lr: 3e-3,
  warmupSteps: 2,
  checkpointEvery: 0,
  logEvery: 1,
  weightDecay: 0.1,
  gradClip: 1,
});

async function losses(native: boolean): Promise<number[]> {
  setNativeKernelsEnabled(native);
  expect(isNativeWasmBatchMatMulRegistered()).toBe(native);
  expect(hasFusedKernel(FUSED_KERNELS.adamW)).toBe(native);
  const model = new TinyTitan(preset, { seed: 5 });
  const summary = await train({ model, data: streamSource(4096, preset.vocabSize, preset.contextLength + 1), config });
  model.dispose();
  return summary.losses;
}

describe('training on the native kernels', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    expect(describeBackend().nativeKernels?.active).toBe(true);
  });
  afterAll(() => setNativeKernelsEnabled(true));

  it('gives the losses of the wasm kernels, step for step (tiny preset, 12 AdamW steps with decay and clipping)', async () => {
    const native = await losses(true);
    const wasm = await losses(false);
    expect(native).toHaveLength(12);
    expect(native[11]).toBeLessThan(native[0] ?? 0);
    // Float sums run in another order (Eigen's blocking, threads): measured agreement ≤ 1e-7 relative.
    native.forEach((loss, step) =>
      expect(Math.abs(loss - (wasm[step] ?? Number.NaN)) / loss, `step ${step}`).toBeLessThan(2e-6),
    );
  });

  it('leaks no tensors and no heap: memory after N steps equals memory after 2N', async () => {
    setNativeKernelsEnabled(true);
    const model = new TinyTitan(preset, { seed: 6 });
    const data = streamSource(4096, preset.vocabSize, preset.contextLength + 1);
    await train({ model, data, config: { ...config, steps: 3 } });
    const afterN = tf.memory();
    await train({ model, data, config: { ...config, steps: 6 } });
    const after2N = tf.memory();
    expect(after2N.numTensors).toBe(afterN.numTensors);
    expect(after2N.numBytes).toBe(afterN.numBytes);
    model.dispose();
  });
});
