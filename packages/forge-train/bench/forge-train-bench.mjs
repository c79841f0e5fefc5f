#!/usr/bin/env node
/**
 * The forge-train phase on a BitNet model that has learned something: trains a dense `tiny`
 * TinyTitan on the built-in problems, runs the bitnet phase on it, then forge-train (Grokfast vs
 * the no-filter baseline, same budget, same batches). Prints a markdown section of the measured
 * metrics. A measurement, not a test.
 *
 *   node bench/forge-train-bench.mjs [--dense-steps 150] [--bitnet-steps 40] [--steps 60] [--filter ema]
 *        [--alpha 0.98] [--lambda 2] [--input <bitnet phase model dir>]   (--input skips the first two stages)
 *
 * Backend: FORGE_BACKEND (default wasm, 1 thread: the dev machine is shared).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
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
// The bench composes two phases like the CLI does; forge-train itself does not depend on bitnet.
import { bitnetPhase } from '../../bitnet/dist/index.js';
import { forgeTrainPhase } from '@agent-forge/forge-train';

const { values } = parseArgs({
  options: {
    'dense-steps': { type: 'string', default: '150' },
    'bitnet-steps': { type: 'string', default: '40' },
    steps: { type: 'string', default: '60' },
    filter: { type: 'string', default: 'ema' },
    input: { type: 'string' },
    alpha: { type: 'string' },
    lambda: { type: 'string' },
  },
});
const seed = 7;
await initBackend({ prefer: process.env.FORGE_BACKEND || 'wasm', threads: 1 });
const root = mkdtempSync(path.join(os.tmpdir(), 'forge-train-bench-'));
const fake = (dir, role, phase) => ({
  phase,
  runId: 'bench',
  startedAt: new Date().toISOString(),
  durationMs: 0,
  models: [{ dir, role, params: 0, bytes: 0 }],
  metrics: {},
  artifacts: {},
  config: {},
});

async function ternaryInput() {
  if (values.input) return values.input;
  const config = MODEL_PRESETS.tiny;
  const dataset = await loadDataset(builtinDataFor('tiny', seed));
  const { train: trainSet } = dataset.split({ validationFraction: 0.1, seed });
  const tokenizer = trainBpe(trainSet.texts(), { vocabSize: config.vocabSize });
  const dense = new TinyTitan(config, { seed });
  const data = documentBatchSource(trainSet.tokenize(tokenizer), {
    batchSize: 16,
    contextLength: config.contextLength,
    seed,
    eosId: SPECIAL_IDS.eos,
  });
  await train({
    model: dense,
    data,
    config: TrainConfigSchema.parse({
      steps: Number(values['dense-steps']),
      batchSize: 16,
      lr: 3e-3,
      checkpointEvery: 0,
    }),
  });
  const denseDir = path.join(root, 'dense');
  await saveModelCheckpoint(denseDir, { model: dense, tokenizer });
  dense.dispose();
  const outcome = await runPipeline({
    phases: [bitnetPhase],
    runsDir: path.join(root, 'runs-bitnet'),
    input: fake(denseDir, 'merged', 'evomerge'),
    preset: 'tiny',
    seed,
    phaseConfigs: { bitnet: { steps: Number(values['bitnet-steps']), batchSize: 16, evalProblems: 0 } },
  });
  return outcome.result.models[0].dir;
}

const inputDir = await ternaryInput();
const outcome = await runPipeline({
  phases: [forgeTrainPhase],
  runsDir: path.join(root, 'runs'),
  input: fake(inputDir, 'ternary', 'bitnet'),
  preset: 'tiny',
  seed,
  phaseConfigs: {
    'forge-train': {
      steps: Number(values.steps),
      filter: values.filter,
      ...(values.alpha ? { alpha: Number(values.alpha) } : {}),
      ...(values.lambda ? { lambda: Number(values.lambda) } : {}),
    },
  },
});
const m = outcome.result.metrics;
const f = (x, d = 3) => (x === undefined ? 'n/a' : x.toFixed(d));
console.log(
  `## forge-train phase (tiny preset, ${values.filter}${values.alpha ? ` α=${values.alpha}` : ''}${values.lambda ? ` λ=${values.lambda}` : ''}, ${m.trainSteps} steps each)\n`,
);
console.log('| | held-out loss | perplexity | answer accuracy | ms/step |\n|---|---|---|---|---|');
console.log(
  `| input (bitnet output) | ${f(Math.log(m.perplexityBefore), 4)} | ${f(m.perplexityBefore)} | ${f(m.accuracyBefore)} | — |`,
);
console.log(
  `| Grokfast | ${f(m.grokfastFinalLoss, 4)} | ${f(m.grokfastPerplexity)} | ${f(m.grokfastAccuracy)} | ${f(m.grokfastMsPerStep, 1)} |`,
);
console.log(
  `| baseline | ${f(m.baselineFinalLoss, 4)} | ${f(m.baselinePerplexity)} | ${f(m.baselineAccuracy)} | ${f(m.baselineMsPerStep, 1)} |`,
);
console.log(
  `\nSteps for Grokfast to reach the baseline's final held-out loss: ${m.stepsToBaselineLoss ?? `not reached within ${m.trainSteps}`}; filter overhead ${f(m.filterOverheadMsPerStep, 2)} ms/step.`,
);
console.log(
  `\nReport: ${outcome.result.artifacts.report}\nCommand: \`node bench/forge-train-bench.mjs ${process.argv.slice(2).join(' ')}\``,
);
