import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { SPECIAL_IDS, formatProblem, loadDataset, trainBpe } from '../../src/data/index.js';
import { heldOutWindows, perplexity } from '../../src/eval/index.js';
import { MODEL_PRESETS, TinyTitan } from '../../src/model/index.js';
import { Tracker, metricSeries, readRunStore } from '../../src/track/index.js';
import { TrainConfigSchema, documentBatchSource, train } from '../../src/train/index.js';

beforeAll(async () => {
  await initBackend();
});

describe('pre-training on the built-in problems', () => {
  it('a tiny model beats the uniform perplexity by a wide margin, on held-out problems', async () => {
    const dataset = await loadDataset({ kind: 'builtin', count: 1500, seed: 5, difficulty: 1 });
    const { train: trainSet, validation } = dataset.split({ validationFraction: 0.1, seed: 5 });
    const tokenizer = trainBpe(trainSet.texts(), { vocabSize: 512 });
    const config = { ...MODEL_PRESETS.tiny, vocabSize: tokenizer.vocabSize, contextLength: 64 };
    const model = new TinyTitan(config, { seed: 1 });
    const heldOut = heldOutWindows(validation.tokenize(tokenizer), config.contextLength, SPECIAL_IDS.eos, 24);
    const before = perplexity(model, heldOut);
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'forge-learn-'));
    const tracker = await Tracker.open(['run-store'], { runDir, runId: 'learn' });
    const data = documentBatchSource(trainSet.tokenize(tokenizer), {
      batchSize: 8,
      contextLength: config.contextLength,
      seed: 1,
      eosId: SPECIAL_IDS.eos,
    });
    const trainConfig = TrainConfigSchema.parse({ steps: 120, batchSize: 8, lr: 1e-2, warmupSteps: 10, logEvery: 10 });
    await train({ model, data, config: trainConfig, tracker, phase: 'pretrain', shape: config });
    await tracker.close();
    const after = perplexity(model, heldOut);
    console.info(
      `held-out perplexity: ${before.perplexity.toFixed(1)} → ${after.perplexity.toFixed(2)} (uniform ${tokenizer.vocabSize})`,
    );
    // Uniform over the vocabulary is perplexity V; an untrained model sits near it.
    expect(before.perplexity).toBeGreaterThan(0.8 * tokenizer.vocabSize);
    expect(after.perplexity).toBeLessThan(0.03 * tokenizer.vocabSize);
    expect(metricSeries(readRunStore(runDir), 'pretrain', 'loss').length).toBeGreaterThan(10);
    expect(formatProblem(validation.problems()[0]!).prompt).toMatch(/^Question: /);
    model.dispose();
  });
});
