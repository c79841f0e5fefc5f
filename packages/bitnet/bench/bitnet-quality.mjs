#!/usr/bin/env node
/**
 * Quality of the bitnet phase on a dense model that has actually learned something: trains a dense
 * `tiny` TinyTitan on the built-in problems, then runs the bitnet phase on it (convert, fine-tune,
 * evaluate before/after) and prints its metrics. A measurement, not a test.
 *
 *   node packages/bitnet/bench/bitnet-quality.mjs [denseSteps=400] [bitnetSteps=200]
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MODEL_PRESETS,
  SPECIAL_IDS,
  TinyTitan,
  TrainConfigSchema,
  builtinDataFor,
  documentBatchSource,
  initBackend,
  loadDataset,
  runPipeline,
  saveModelCheckpoint,
  train,
  trainBpe,
} from '@agent-forge/core';
import { bitnetPhase } from '@agent-forge/bitnet';

const denseSteps = Number(process.argv[2] ?? 400);
const bitnetSteps = Number(process.argv[3] ?? 200);
const seed = 7;
await initBackend();
const config = MODEL_PRESETS.tiny;
const dataset = await loadDataset(builtinDataFor('tiny', seed));
// Same split as the phase uses, so the dense model never sees the held-out problems.
const { train: trainSet } = dataset.split({ validationFraction: 0.1, seed });
const tokenizer = trainBpe(trainSet.texts(), { vocabSize: config.vocabSize });
const dense = new TinyTitan(config, { seed });
const data = documentBatchSource(trainSet.tokenize(tokenizer), {
  batchSize: 16,
  contextLength: config.contextLength,
  seed,
  eosId: SPECIAL_IDS.eos,
});
const summary = await train({
  model: dense,
  data,
  config: TrainConfigSchema.parse({ steps: denseSteps, batchSize: 16, lr: 3e-3, checkpointEvery: 0 }),
});
console.log(`dense: ${denseSteps} steps, final train loss ${summary.finalLoss.toFixed(3)}`);
const root = mkdtempSync(path.join(os.tmpdir(), 'bitnet-quality-'));
const denseDir = path.join(root, 'dense');
await saveModelCheckpoint(denseDir, { model: dense, tokenizer });
dense.dispose();
const input = {
  phase: 'evomerge',
  runId: 'bench',
  startedAt: new Date().toISOString(),
  durationMs: 0,
  models: [{ dir: denseDir, role: 'merged', params: 0, bytes: 0 }],
  metrics: {},
  artifacts: {},
  config: {},
};
const outcome = await runPipeline({
  phases: [bitnetPhase],
  runsDir: path.join(root, 'runs'),
  input,
  preset: 'tiny',
  seed,
  phaseConfigs: { bitnet: { steps: bitnetSteps, batchSize: 16 } },
});
const m = outcome.result.metrics;
const f = (x) => (x === undefined ? 'n/a' : x.toFixed(3));
console.log(
  `ternary share ${f(m.ternaryShare)}; perplexity dense ${f(m.perplexityBefore)} → converted ${f(m.perplexityConverted)} → after ${bitnetSteps} steps ${f(m.perplexityAfter)} (${f(m.perplexityDegradationPct)}%)`,
);
console.log(
  `accuracy dense ${f(m.accuracyBefore)} → after ${f(m.accuracyAfter)}; report: ${outcome.result.artifacts.report}`,
);
