// Cost of one fitness evaluation at a preset, on freshly initialised (untrained) cognate-shaped models:
// sizes the search's run time (generations × ~6 new members) where trained checkpoints are too slow
// to produce here. Usage: node bench/eval-cost.mjs [preset=small] [evaluations=3]
import os from 'node:os';
import path from 'node:path';
import {
  MODEL_PRESETS,
  Rng,
  createTitanModel,
  generateProblems,
  formatProblem,
  initBackend,
  saveModelCheckpoint,
  titanExtensions,
  trainBpe,
} from '@agent-forge/core';
import {
  EvomergePhaseConfigSchema,
  MergeEvaluator,
  evomergePresetDefaults,
  genomeSpace,
  loadSources,
  preparePhaseData,
  randomGenome,
} from '../dist/index.js';

const [preset = 'small', count = '3'] = process.argv.slice(2);
const backend = await initBackend();
const modelConfig = MODEL_PRESETS[preset];
const problems = generateProblems({ count: 2000, seed: 0, difficulty: 2 });
const tokenizer = trainBpe(
  problems.map((p) => formatProblem(p).text),
  { vocabSize: modelConfig.vocabSize },
);
const root = path.join(os.tmpdir(), `evomerge-eval-cost-${preset}`);
const models = [];
for (const [index, threshold] of [0.95, 0.9, 0.99].entries()) {
  const model = createTitanModel(modelConfig, { act: { threshold, maxSteps: 3 } }, { seed: index });
  const dir = path.join(root, String(index));
  await saveModelCheckpoint(dir, { model, tokenizer, extensions: titanExtensions(model) });
  models.push({ dir, role: `m${index}`, params: model.parameterCount, bytes: 0 });
  model.dispose();
}
const config = EvomergePhaseConfigSchema.parse(evomergePresetDefaults(preset));
const sources = await loadSources(models);
const data = await preparePhaseData(config, { preset, seed: 0 }, tokenizer, modelConfig.contextLength);
const space = genomeSpace(config, 3, modelConfig.nLayers);
const evaluator = new MergeEvaluator(sources, data.search);
const rng = Rng.fromSeed(3);
await evaluator.evaluate(randomGenome(space, rng, 'linear'));
const times = [];
for (let i = 0; i < Number(count); i++) {
  const started = performance.now();
  await evaluator.evaluate(randomGenome(space, rng, 'ties'));
  times.push(performance.now() - started);
}
evaluator.dispose();
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(
  `| ${preset} | ${models[0].params} | ${data.search.windows.rows} × ${data.search.windows.cols} | ${(mean / 1000).toFixed(1)} s | ${((mean * 6 * 50) / 60000).toFixed(0)} min | ${backend.choice} ${backend.threads}t, load ${os.loadavg()[0].toFixed(1)} |`,
);
