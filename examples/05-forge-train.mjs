// Phase 5, forge-train: training with Grokfast (Lee et al. 2024), a low-pass filter on the gradients
// that adds the slow component back amplified: μ ← α·μ + (1−α)·g, g ← g + λ·μ. The figures check the
// filter against that formula by hand, then train two copies of a tiny model from the same start on
// the same batches, with and without the filter, and report both losses.
// Build first (`pnpm build`), then: node examples/05-forge-train.mjs

// %%
import {
  BpeTokenizer,
  MODEL_PRESETS,
  SPECIAL_IDS,
  TinyTitan,
  TrainConfigSchema,
  documentBatchSource,
  formatProblem,
  generateProblems,
  heldOutWindows,
  initBackend,
  perplexity,
  tf,
  train,
} from '@agent-forge/core';
import { createGrokfast } from '@agent-forge/forge-train';

await initBackend();

// %%
// Two steps of the EMA filter on a hand-made gradient, against the paper's formula.
const alpha = 0.9;
const lambda = 2;
const filter = createGrokfast('ema', { alpha, lambda });
const g1 = [0.5, -1, 2];
const g2 = [1.5, 1, -2];
const out1 = filter
  .apply(new Map([['w', tf.tensor1d(g1)]]), 1)
  .get('w')
  .dataSync();
const out2 = filter
  .apply(new Map([['w', tf.tensor1d(g2)]]), 2)
  .get('w')
  .dataSync();
const mu2 = g1.map((m, i) => alpha * m + (1 - alpha) * g2[i]); // μ starts at the first gradient
const expected1 = g1.map((g) => g + lambda * g);
const expected2 = g2.map((g, i) => g + lambda * mu2[i]);
const deviation = Math.max(
  ...expected1.map((e, i) => Math.abs(e - out1[i])),
  ...expected2.map((e, i) => Math.abs(e - out2[i])),
);
console.log(`filtered step 2: ${[...out2].map((v) => v.toFixed(3)).join(', ')}`);
console.log(`max |filter - hand-computed|: ${deviation.toExponential(2)}`);
filter.dispose();

// %%
// Same start (seed 1), same byte-level batches, with and without the filter.
const tokenizer = new BpeTokenizer([]);
const docs = generateProblems({ count: 300, seed: 1, difficulty: 1 }).map((p) =>
  tokenizer.encode(formatProblem(p).text),
);
const heldOut = heldOutWindows(docs.slice(250), 32, SPECIAL_IDS.eos, 8);
const shape = { ...MODEL_PRESETS.tiny, contextLength: 32 };
const config = TrainConfigSchema.parse({
  steps: 12,
  batchSize: 4,
  lr: 2e-3,
  weightDecay: 0,
  checkpointEvery: 0,
  logEvery: 12,
});
async function run(gradientTransforms) {
  const model = new TinyTitan(shape, { seed: 1 });
  const data = documentBatchSource(docs.slice(0, 250), {
    batchSize: 4,
    contextLength: 32,
    seed: 1,
    eosId: SPECIAL_IDS.eos,
  });
  const summary = await train({ model, data, config, gradientTransforms });
  return { loss: summary.finalLoss, perplexity: perplexity(model, heldOut).perplexity };
}
const baseline = await run([]);
const grokfast = await run([createGrokfast('ema', { alpha: 0.98, lambda: 2 })]); // the paper's values
console.log(
  `baseline: final training loss ${baseline.loss.toFixed(3)}, held-out perplexity ${baseline.perplexity.toFixed(2)}`,
);
console.log(
  `grokfast-ema: final training loss ${grokfast.loss.toFixed(3)}, held-out perplexity ${grokfast.perplexity.toFixed(2)}`,
);
console.log(`steps: ${config.steps}; a short run shows the plumbing, not an acceleration`);
