#!/usr/bin/env node
// Held-out perplexity of a trained BitNet model with its embedding (the tied head) stored as each
// `embeddingQuant` method, against the unquantized (F32 embedding) BitNet model: the quality gate of
// issue 25 (within 10 %). Trains a BitNet b1.58 model from scratch on generated word problems (a quality
// measurement, not a timing; the figures depend on steps and seed, printed beside them).
//   node tooling/bench/embedding-quality.mjs [tiny|small] [steps=300] [seed=1]
import {
  BitNetSettingsSchema,
  MODEL_PRESETS,
  SPECIAL_IDS,
  TrainConfigSchema,
  bitnetExtension,
  buildModelWithWeights,
  createBitNetModel,
  documentBatchSource,
  formatProblem,
  frozenBitNetExtension,
  generateProblems,
  heldOutWindows,
  initBackend,
  packModelWeights,
  perplexity,
  train,
  trainBpe,
  unpackWeights,
} from '@agent-forge/core';

const preset = process.argv[2] ?? 'tiny';
const steps = Number(process.argv[3] ?? 300);
const seed = Number(process.argv[4] ?? 1);
const config = MODEL_PRESETS[preset];
if (!config) throw new Error(`unknown preset '${preset}' (tiny, small, paper)`);
await initBackend();

const texts = generateProblems({ count: 3000, seed, difficulty: 2 }).map((p) => formatProblem(p).text);
const tokenizer = trainBpe(texts.slice(0, 2000), { vocabSize: config.vocabSize });
const documents = texts.map((text) => tokenizer.encode(text));
const heldOut = heldOutWindows(documents.slice(2700), config.contextLength, SPECIAL_IDS.eos, 64);

const model = createBitNetModel(config, {}, seed);
const extension = bitnetExtension(model, BitNetSettingsSchema.parse({}));
const data = documentBatchSource(documents.slice(0, 2700), {
  batchSize: 16,
  contextLength: config.contextLength,
  seed,
  eosId: SPECIAL_IDS.eos,
});
const summary = await train({
  model,
  data,
  config: TrainConfigSchema.parse({ steps, batchSize: 16, lr: 3e-3, warmupSteps: 20 }),
});

const rows = [];
let baseline;
for (const method of ['none', 'int8-row', 'int4-group']) {
  const { weights, metadata } = packModelWeights(model, extension.ternaryLayers, method);
  const packedModel = buildModelWithWeights(
    config,
    { bitnet: extension },
    unpackWeights(weights, metadata, `${method} (in memory)`),
    { replace: { bitnet: frozenBitNetExtension(extension) }, label: 'packed weights' },
  );
  const { perplexity: ppl } = perplexity(packedModel, heldOut);
  packedModel.dispose();
  baseline ??= ppl;
  rows.push(`| ${method} | ${ppl.toFixed(3)} | ${(((ppl - baseline) / baseline) * 100).toFixed(2)} % |`);
}
model.dispose();
console.log(
  [
    `### embedding quantization quality — \`${preset}\` BitNet b1.58, ${steps} steps from scratch (seed ${seed}, final train loss ${summary.finalLoss.toFixed(3)}), ${heldOut.rows} held-out windows`,
    '',
    '| embedding (`embeddingQuant`) | held-out perplexity | vs F32 embedding |',
    '|---|---:|---:|',
    ...rows,
  ].join('\n'),
);
