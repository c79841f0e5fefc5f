// Phase 1, cognate: three TinyTitan decoders with ACT (adaptive computation time) and a Titans-style
// long-term memory, built from ONE shared initialisation so that phase 2 can merge them. Each is
// pre-trained for a few steps on the built-in arithmetic problems; the figures show that the three
// start identical, differ only in their ACT/memory settings, and learn (held-out perplexity falls).
// Build first (`pnpm build`), then: node examples/01-cognate.mjs

// %%
import {
  MODEL_PRESETS,
  SPECIAL_IDS,
  TrainConfigSchema,
  documentBatchSource,
  formatProblem,
  generateProblems,
  heldOutWindows,
  initBackend,
  perplexity,
  ponderingLoss,
  tf,
  titanRunnerOf,
  train,
  trainBpe,
} from '@agent-forge/core';
import {
  CognatePhaseConfigSchema,
  SEED_VARIANTS,
  cognatePresetDefaults,
  createCognateModel,
} from '@agent-forge/cognate';

const backend = await initBackend();
console.log(`backend: ${backend.choice}`);

// %%
// One tokenizer for all three models: evomerge merges tensors by name, so vocabularies must match.
const texts = generateProblems({ count: 600, seed: 1, difficulty: 1 }).map((p) => formatProblem(p).text);
const tokenizer = trainBpe(texts.slice(0, 500), { vocabSize: MODEL_PRESETS.tiny.vocabSize });
const shape = { ...MODEL_PRESETS.tiny, vocabSize: tokenizer.vocabSize };
const steps = 5; // per model; the phase trains 40 at tiny
const trainDocs = texts.slice(0, 500).map((t) => tokenizer.encode(t));
const heldOut = heldOutWindows(
  texts.slice(500).map((t) => tokenizer.encode(t)),
  shape.contextLength,
  SPECIAL_IDS.eos,
  4,
);
// Inside a function: the parsed config's type refers to zod's internals, which a notebook cell cannot name.
const models = (() => {
  const config = CognatePhaseConfigSchema.parse({ ...cognatePresetDefaults('tiny'), steps, checkpointEvery: 0 });
  return SEED_VARIANTS.map((variant) => createCognateModel(shape, variant, config, 7)); // same seed: one init
})();

// %%
// Shared init: every tensor of variant 2 and 3 equals variant 1's, bit for bit.
const maxInitDiff = (a, b) =>
  Math.max(
    ...[...a.namedWeights()].map(([name, w]) => tf.max(tf.abs(tf.sub(w, b.namedWeights().get(name)))).dataSync()[0]),
  );
console.log(`parameters per model: ${models[0].parameterCount}`);
console.log(`max |init difference| reasoning vs memory-integration: ${maxInitDiff(models[0], models[1])}`);
console.log(`max |init difference| reasoning vs adaptive-computation: ${maxInitDiff(models[0], models[2])}`);

// %%
// Train each variant with the ponder cost in the loss (as the phase does) and profile one forward.
const trainConfig = TrainConfigSchema.parse({
  steps: steps, // written out: the notebook kernel does not rewrite a shorthand for a variable from an earlier cell
  batchSize: 8,
  lr: 3e-3,
  warmupSteps: 2,
  checkpointEvery: 0,
  logEvery: steps,
});
for (const [i, variant] of SEED_VARIANTS.entries()) {
  const model = models[i];
  const before = perplexity(model, heldOut).perplexity;
  const data = documentBatchSource(trainDocs, {
    batchSize: 8,
    contextLength: shape.contextLength,
    seed: i,
    eosId: SPECIAL_IDS.eos,
  });
  const summary = await train({ model: ponderingLoss(model), data, config: trainConfig });
  const after = perplexity(model, heldOut).perplexity; // forward through the ACT/memory runner
  const { meanPonderSteps, memoryWrites } = titanRunnerOf(model).lastStats();
  console.log(`${variant.role}: actThreshold ${variant.actThreshold}, surpriseThreshold ${variant.surpriseThreshold}`);
  console.log(`  ${variant.role} perplexity before: ${before.toFixed(2)}`);
  console.log(`  ${variant.role} perplexity after ${summary.step} steps: ${after.toFixed(2)}`);
  console.log(
    `  ${variant.role} mean ponder steps: ${meanPonderSteps.toFixed(3)}, memory writes: ${memoryWrites} of ${heldOut.rows * (heldOut.cols - 1)} held-out tokens`,
  );
}
console.log(`uniform perplexity (vocabulary size): ${tokenizer.vocabSize}`);
