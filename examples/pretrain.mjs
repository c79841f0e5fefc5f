// Pre-train a TinyTitan on the built-in arithmetic word problems with @agent-forge/core alone,
// record the loss curve in a run store, and report held-out perplexity (vs uniform) and answer
// accuracy. Build first (`pnpm build`), then:
//   node examples/pretrain.mjs [preset=small] [steps=600] [runsDir=runs]
// Ctrl-C saves the training state; running the same command again resumes from it.
import path from 'node:path';
import {
  MODEL_PRESETS,
  SPECIAL_IDS,
  TinyTitan,
  Tracker,
  TrainConfigSchema,
  answerAccuracy,
  describeBackend,
  documentBatchSource,
  formatProblem,
  greedyCompleter,
  heldOutWindows,
  initBackend,
  lineProgress,
  loadDataset,
  perplexity,
  saveCheckpoint,
  train,
  trainBpe,
  tokenizerToFile,
  weightsFromTf,
} from '@agent-forge/core';

const [preset = 'small', stepsArg = '600', runsDir = 'runs'] = process.argv.slice(2);
const runId = `pretrain-${preset}`;
const runDir = path.resolve(runsDir, runId);
await initBackend();
console.log(`backend: ${JSON.stringify(describeBackend())}`);

const dataset = await loadDataset({ kind: 'builtin', count: 20000, seed: 7, difficulty: 2 });
const { train: trainSet, validation } = dataset.split({ validationFraction: 0.05, seed: 7 });
const tokenizer = trainBpe(trainSet.texts(), { vocabSize: MODEL_PRESETS[preset].vocabSize });
const config = { ...MODEL_PRESETS[preset], vocabSize: tokenizer.vocabSize };
const model = new TinyTitan(config, { seed: 7 });
console.log(
  `model: ${preset}, ${[...model.namedWeights().values()].reduce((n, w) => n + w.size, 0)} params, vocab ${tokenizer.vocabSize}`,
);

const heldOut = heldOutWindows(validation.tokenize(tokenizer), config.contextLength, SPECIAL_IDS.eos, 64);
const before = perplexity(model, heldOut);
const tracker = await Tracker.open(['run-store'], { runDir, runId });
const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
const batchSize = preset === 'paper' ? 4 : 16;
const data = documentBatchSource(trainSet.tokenize(tokenizer), {
  batchSize,
  contextLength: config.contextLength,
  seed: 7,
  eosId: SPECIAL_IDS.eos,
});
const trainConfig = TrainConfigSchema.parse({
  steps: Number(stepsArg),
  batchSize,
  lr: 3e-3,
  warmupSteps: 30,
  checkpointEvery: 50,
  logEvery: 10,
});
const started = Date.now();
const summary = await train({
  model,
  data,
  config: trainConfig,
  tracker,
  phase: 'pretrain',
  shape: config,
  signal: controller.signal,
  stateDir: path.join(runDir, 'train-state'),
  progress: lineProgress((line) => console.log(line), 5),
});
const after = perplexity(model, heldOut);
const problems = validation.problems().slice(0, 50);
const { accuracy } = await answerAccuracy(
  problems,
  (p) => formatProblem(p).prompt,
  greedyCompleter(model, tokenizer, 96),
);
tracker.metrics('pretrain', summary.step, { heldOutPerplexity: after.perplexity, answerAccuracy: accuracy });
await tracker.close();
await saveCheckpoint(path.join(runDir, 'model'), {
  config,
  weights: weightsFromTf(model.namedWeights()),
  tokenizer: tokenizerToFile(tokenizer),
});
console.log(
  JSON.stringify(
    {
      preset,
      steps: summary.step,
      minutes: ((Date.now() - started) / 60000).toFixed(1),
      tokensPerSecond: Math.round(summary.tokensPerSecond),
      heldOutPerplexityBefore: before.perplexity,
      heldOutPerplexityAfter: after.perplexity,
      uniformPerplexity: tokenizer.vocabSize,
      answerAccuracy: accuracy,
      runStore: path.join(runDir, 'track.jsonl'),
    },
    null,
    2,
  ),
);
