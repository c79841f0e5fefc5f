#!/usr/bin/env node
// How many plain-training tokens does a preset's TinyTitan need to answer held-out built-in problems with
// the calculator in the loop? Trains one plain model (no ACT, no memory; with --titan: the pipeline's ACT +
// long-term memory runner at its default settings, trained with the ponder cost) on a mix of difficulties
// and scores greedy answers per difficulty every --every steps. A measurement (issue 24 sized the `small` preset from
// it), not a test. Resumable: rerun the same command and it continues from --out/state.
//
//   node tooling/bench/answer-curve.mjs --out DIR [--tokenizer RUN/01-cognate/…/tokenizer.json]
//        [--preset small] [--mix 1,2,3] [--count 30000] [--steps 8000] [--every 500] [--batch 8]
//        [--lr 3e-3] [--problems 25] [--threads 1] [--titan]
//
// DIR/curve.jsonl gets one line per evaluation: steps, tokens, seconds, accuracy per difficulty.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  MODEL_PRESETS,
  ANSWER_TOKEN_BUDGET,
  SPECIAL_IDS,
  TinyTitan,
  TrainConfigSchema,
  answerAccuracy,
  createTitanModel,
  documentBatchSource,
  formatProblem,
  generateProblems,
  greedyCompleter,
  initBackend,
  loadTokenizer,
  train,
  trainBpe,
  trainingObjective,
} from '@agent-forge/core';

const { values } = parseArgs({
  options: {
    tokenizer: { type: 'string' },
    out: { type: 'string' },
    preset: { type: 'string', default: 'small' },
    mix: { type: 'string', default: '1,2,3' },
    count: { type: 'string', default: '30000' },
    steps: { type: 'string', default: '8000' },
    every: { type: 'string', default: '500' },
    batch: { type: 'string', default: '8' },
    lr: { type: 'string', default: '3e-3' },
    problems: { type: 'string', default: '25' },
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '7' },
    titan: { type: 'boolean', default: false },
  },
});
if (!values.out) throw new Error('--out DIR is required');
const config = MODEL_PRESETS[values.preset];
if (!config) throw new Error(`--preset: unknown preset '${values.preset}' (tiny, small, paper)`);
await initBackend({ prefer: 'wasm', threads: Number(values.threads) });
const out = path.resolve(values.out);
mkdirSync(out, { recursive: true });
const heldOutCount = Number(values.problems);
const levels = values.mix.split(',').map(Number);
const perLevel = Math.round(Number(values.count) / levels.length);

// Held-out problems are the first draws of each difficulty's stream; training takes the draws after them.
const training = [];
const heldOut = new Map();
for (const difficulty of [1, 2, 3]) {
  const trained = levels.includes(difficulty) ? perLevel : 0;
  const drawn = generateProblems({ count: heldOutCount + trained, seed: 1000 + difficulty, difficulty });
  heldOut.set(difficulty, drawn.slice(0, heldOutCount));
  training.push(...drawn.slice(heldOutCount));
}
// Without --tokenizer: a BPE of the preset's vocabulary trained on the training problems, as cognate does.
const tokenizer = values.tokenizer
  ? await loadTokenizer(values.tokenizer)
  : trainBpe(
      training.map((problem) => formatProblem(problem).text),
      { vocabSize: config.vocabSize },
    );
const documents = training.map((problem) =>
  Int32Array.from([SPECIAL_IDS.bos, ...tokenizer.encode(formatProblem(problem).text), SPECIAL_IDS.eos]),
);
const batchSize = Number(values.batch);
const data = documentBatchSource(documents, {
  batchSize,
  contextLength: config.contextLength,
  seed: 3,
  eosId: SPECIAL_IDS.eos,
});
const model = values.titan
  ? createTitanModel(config, {}, { seed: Number(values.seed) })
  : new TinyTitan(config, { seed: Number(values.seed) });
const trainConfig = TrainConfigSchema.parse({
  steps: Number(values.steps),
  batchSize,
  lr: Number(values.lr),
  warmupSteps: 50,
  microBatchSize: batchSize,
  checkpointEvery: 0,
});
console.error(`${model.parameterCount} params, ${training.length} training problems, context ${config.contextLength}`);
const curveFile = path.join(out, 'curve.jsonl');
const measured = new Set(
  existsSync(curveFile)
    ? readFileSync(curveFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).steps)
    : [],
);
const started = Date.now();
for (let step = Number(values.every); step <= trainConfig.steps; step += Number(values.every)) {
  // untilStep keeps the cosine schedule of the whole run; the state lets a rerun continue.
  await train({
    model: trainingObjective(model),
    data,
    config: trainConfig,
    shape: config,
    stateDir: path.join(out, 'state'),
    untilStep: step,
  });
  if (measured.has(step)) continue;
  const row = { steps: step, tokens: step * batchSize * config.contextLength, seconds: (Date.now() - started) / 1000 };
  const complete = greedyCompleter(model, tokenizer, ANSWER_TOKEN_BUDGET[values.preset], { calculator: true });
  for (const [difficulty, problems] of heldOut) {
    row[`d${difficulty}`] = (await answerAccuracy(problems, (p) => formatProblem(p).prompt, complete)).accuracy;
  }
  console.error(JSON.stringify(row));
  appendFileSync(curveFile, `${JSON.stringify(row)}\n`);
}
model.dispose();
