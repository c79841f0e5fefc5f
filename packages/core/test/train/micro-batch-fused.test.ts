// The activation estimate follows the kernels in use: the native kernels' fused ops keep fewer
// intermediates, so `paper` at batch 4 × 256 trains in one pass within the default 1.5 GiB budget.
process.env['FORGE_NATIVE_KERNELS'] = '1';

import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, setNativeKernelsEnabled } from '../../src/backend/index.js';
import { MODEL_PRESETS } from '../../src/model/index.js';
import { TrainConfigSchema, activationBytesPerSequence, chooseMicroBatch } from '../../src/train/index.js';

const paper = MODEL_PRESETS.paper;
const budget = TrainConfigSchema.parse({ steps: 1 }).memoryBudgetMb * 2 ** 20;

describe('activation estimate with and without the fused kernels', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('is half as large with the fused kernels, and paper then takes its batch of 4 whole', () => {
    const fused = activationBytesPerSequence(paper, paper.contextLength);
    setNativeKernelsEnabled(false);
    const composite = activationBytesPerSequence(paper, paper.contextLength);
    setNativeKernelsEnabled(true);
    expect(fused * 2).toBe(composite);
    expect(chooseMicroBatch(4, fused, budget)).toBe(4);
    expect(chooseMicroBatch(4, composite, budget)).toBe(2);
  });
});
