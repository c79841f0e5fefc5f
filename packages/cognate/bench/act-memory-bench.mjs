#!/usr/bin/env node
/**
 * Training throughput of ACT + long-term memory vs the plain transformer of the same size (default
 * preset `small`), on the default backend (wasm), through core's training loop: the plain TinyTitan,
 * memory only, ACT only, and ACT + memory with the 'reasoning' variant's settings. Documents are
 * seeded random tokens: throughput does not depend on content (ACT's early stop aside, which is
 * reported as the mean ponder steps measured on a batch after the timed steps). Batch and micro-batch
 * are the cognate phase's preset values.
 *
 *   npx pnpm@10.34.8 --filter @agent-forge/core --filter @agent-forge/cognate build
 *   node packages/cognate/bench/act-memory-bench.mjs [tiny|small|paper] [steps]
 */
import {
  MODEL_PRESETS,
  Rng,
  SPECIAL_IDS,
  TinyTitan,
  TrainConfigSchema,
  createTitanModel,
  documentBatchSource,
  initBackend,
  ponderingLoss,
  tf,
  titanRunnerOf,
  train,
} from '@agent-forge/core';
import {
  CognatePhaseConfigSchema,
  SEED_VARIANTS,
  cognatePresetDefaults,
  trainingShape,
  variantSettings,
} from '@agent-forge/cognate';

const preset = process.argv[2] ?? 'small';
const steps = Number(process.argv[3] ?? 6);
const model = MODEL_PRESETS[preset];
if (!model) throw new Error(`unknown preset '${preset}' (tiny, small, paper)`);
const backend = await initBackend();
const phase = CognatePhaseConfigSchema.parse(cognatePresetDefaults(preset));
const batchSize = phase.batchSize;
const rng = Rng.fromSeed(1);
const documents = Array.from({ length: 64 }, () =>
  Int32Array.from({ length: 4 * model.contextLength }, () => rng.int(SPECIAL_IDS.eos + 1, model.vocabSize - 1)),
);
const reasoning = variantSettings(SEED_VARIANTS[0], phase);

const cases = [
  ['plain transformer', () => new TinyTitan(model, { seed: 1 })],
  [
    'memory only',
    () => createTitanModel(model, { ...reasoning, act: { ...reasoning.act, enabled: false } }, { seed: 1 }),
  ],
  [
    'ACT only',
    () => createTitanModel(model, { ...reasoning, memory: { ...reasoning.memory, enabled: false } }, { seed: 1 }),
  ],
  ['ACT + memory', () => createTitanModel(model, reasoning, { seed: 1 })],
];

async function measure(label, build) {
  const built = build();
  const plain = label === 'plain transformer';
  const trainable = plain ? built : ponderingLoss(built);
  const shape = plain ? built.config : trainingShape(built);
  const data = documentBatchSource(documents, {
    batchSize,
    contextLength: model.contextLength,
    seed: 2,
    eosId: SPECIAL_IDS.eos,
  });
  // One untimed step first: kernel compilation and allocation are not throughput.
  const config = TrainConfigSchema.parse({
    steps: steps + 1,
    batchSize,
    microBatchSize: phase.microBatchSize,
    warmupSteps: 1,
    checkpointEvery: 0,
    spikeFactor: 0,
  });
  await train({ model: trainable, data, config, shape, untilStep: 1 });
  const started = performance.now();
  await train({ model: trainable, data, config: { ...config, steps }, shape });
  const seconds = (performance.now() - started) / 1000;
  let ponder = '';
  if (!plain) {
    const batch = data.next(batchSize);
    tf.tidy(() =>
      built.forward(
        tf.slice(
          tf.tensor2d(batch.tokens, [batch.rows, batch.cols], 'int32'),
          [0, 0],
          [batch.rows, model.contextLength],
        ),
      ),
    );
    const stats = titanRunnerOf(built).lastStats();
    ponder = `, mean ponder steps ${stats.meanPonderSteps.toFixed(2)}, memory update rate ${stats.memoryTokens ? (stats.memoryWrites / stats.memoryTokens).toFixed(2) : '–'}`;
  }
  const tokensPerSecond = (steps * batchSize * model.contextLength) / seconds;
  console.log(
    `${label.padEnd(18)} ${built.parameterCount.toLocaleString('en-US').padStart(11)} params  ${tokensPerSecond.toFixed(0).padStart(7)} tokens/s${ponder}`,
  );
  built.dispose();
  return tokensPerSecond;
}

console.log(
  `preset ${preset}, backend ${backend.choice} (${backend.threads} threads), batch ${batchSize} × ${model.contextLength} (micro-batch ${phase.microBatchSize}), ${steps} timed steps`,
);
const results = [];
for (const [label, build] of cases) results.push(await measure(label, build));
console.log(`ACT + memory / plain: ${(results[3] / results[0]).toFixed(3)}× the training throughput`);
