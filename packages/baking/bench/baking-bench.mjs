#!/usr/bin/env node
/**
 * The baking phase at a preset (default tiny) on a base model pre-trained here for a few steps on the
 * built-in problems (an untrained model barely reacts to a prompt, so its KLs say little): nine
 * personas + the calculator tool baked, per-bake KL(prompted ‖ base) and KL(prompted ‖ baked) on
 * held-out inputs, latency with vs without the prompt, and the phase's wall time. Prints markdown.
 *
 *   (cd packages/baking && npx tsup) && node packages/baking/bench/baking-bench.mjs [tiny|small] [pretrainSteps] [backend]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MODEL_PRESETS,
  SPECIAL_IDS,
  TinyTitan,
  TrainConfigSchema,
  documentBatchSource,
  formatProblem,
  generateProblems,
  phaseDirName,
  readPhaseResult,
  runPipeline,
  saveModelCheckpoint,
  train,
  trainBpe,
  useBackend,
} from '@agent-forge/core';
import { bakingPhase } from '@agent-forge/baking';

const preset = process.argv[2] ?? 'tiny';
const pretrainSteps = Number(process.argv[3] ?? 200);
const backend = process.argv[4] ?? 'wasm';
const config = MODEL_PRESETS[preset];
if (!config) throw new Error(`unknown preset '${preset}' (tiny, small, paper)`);
await useBackend(backend);

const problems = generateProblems({ count: 2000, seed: 7, difficulty: 2 }).map((p) => formatProblem(p).text);
const tokenizer = trainBpe(problems, { vocabSize: config.vocabSize });
const model = new TinyTitan(config, { seed: 1 });
const documents = problems.map((text) => Int32Array.from(tokenizer.encode(text)));
const pretrainStarted = performance.now();
const summary = await train({
  model,
  data: documentBatchSource(documents, {
    batchSize: 16,
    contextLength: config.contextLength,
    seed: 1,
    eosId: SPECIAL_IDS.eos,
  }),
  config: TrainConfigSchema.parse({
    steps: pretrainSteps,
    batchSize: 16,
    lr: 3e-3,
    warmupSteps: 20,
    checkpointEvery: 0,
  }),
});
const pretrainSeconds = (performance.now() - pretrainStarted) / 1000;
const root = mkdtempSync(path.join(os.tmpdir(), 'baking-bench-'));
const inputDir = path.join(root, 'trained');
await saveModelCheckpoint(inputDir, { model, tokenizer });
model.dispose();

const input = {
  phase: 'forge-train',
  runId: 'bench',
  startedAt: new Date().toISOString(),
  durationMs: 0,
  models: [{ dir: inputDir, role: 'trained', params: 0, bytes: 0 }],
  metrics: {},
  artifacts: {},
  config: {},
};
const started = performance.now();
const outcome = await runPipeline({ phases: [bakingPhase], runsDir: path.join(root, 'runs'), input, preset, seed: 1 });
const phaseSeconds = (performance.now() - started) / 1000;
const result = readPhaseResult(path.join(outcome.runDir, phaseDirName('baking')));

console.log(`## baking — ${preset} preset, ${backend} backend`);
console.log('');
console.log(
  `Base: TinyTitan ${preset} pre-trained ${pretrainSteps} steps on built-in problems (final loss ${summary.finalLoss.toFixed(3)}, ${pretrainSeconds.toFixed(0)} s).`,
);
console.log(
  `Phase wall time (${result.metrics.adapters} bakes incl. sampling, training, evaluation, saving): ${phaseSeconds.toFixed(1)} s.`,
);
console.log(
  `Mean KL reduction ${result.metrics.meanKlReductionPct.toFixed(1)}%, min ${result.metrics.minKlReductionPct.toFixed(1)}%.`,
);
console.log('');
console.log(readFileSync(result.artifacts.report, 'utf8'));
