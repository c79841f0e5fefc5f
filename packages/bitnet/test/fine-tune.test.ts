import { beforeAll, describe, expect, it } from 'vitest';
import {
  SPECIAL_IDS,
  TinyTitan,
  TrainConfigSchema,
  documentBatchSource,
  generateProblems,
  formatProblem,
  heldOutWindows,
  perplexity,
  train,
  useBackend,
} from '@agent-forge/core';
import { convertToBitNet } from '../src/index.js';
import { MICRO, microTokenizer } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('quantization-aware fine-tune', () => {
  it('lowers the held-out loss of the converted model', async () => {
    const tokenizer = microTokenizer();
    const encode = (seed: number, count: number) =>
      generateProblems({ count, seed, difficulty: 1 }).map((p) =>
        Int32Array.from(tokenizer.encode(formatProblem(p).text)),
      );
    const windows = heldOutWindows(encode(99, 20), MICRO.contextLength, SPECIAL_IDS.eos, 16);
    const dense = new TinyTitan(MICRO, { seed: 2 });
    const { model } = convertToBitNet(dense);
    dense.dispose();
    const before = perplexity(model, windows).loss;
    const data = documentBatchSource(encode(1, 200), {
      batchSize: 8,
      contextLength: MICRO.contextLength,
      seed: 1,
      eosId: SPECIAL_IDS.eos,
    });
    const config = TrainConfigSchema.parse({
      steps: 25,
      batchSize: 8,
      lr: 1e-2,
      warmupSteps: 2,
      weightDecay: 0,
      checkpointEvery: 0,
    });
    const summary = await train({ model, data, config });
    const after = perplexity(model, windows).loss;
    expect(summary.step).toBe(25);
    expect(after).toBeLessThan(before - 0.5);
    model.dispose();
  });
});
