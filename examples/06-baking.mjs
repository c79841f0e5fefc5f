// Phase 6, baking (Prompt Baking, Bhargava et al. 2024): a persona prompt becomes a LoRA adapter trained
// so that the model WITHOUT the prompt behaves like the model WITH it. The figures are the held-out
// KL(prompted ‖ unprompted) of the base model and of the baked one, and the adapter's size.
// On an untrained model the prompt changes little, so the KL figures are small.
// Build first (`pnpm build`), then: node examples/06-baking.mjs

// %%
import { buildModel, initBackend, LoraAdapters, loraExtension, MODEL_PRESETS, SPECIAL_IDS } from '@agent-forge/core';
import {
  BakingPhaseConfigSchema,
  bakeAdapter,
  klReport,
  loraTargetLayers,
  sampleTrajectories,
} from '@agent-forge/baking';

await initBackend();
const targets = loraTargetLayers(MODEL_PRESETS.tiny, ['q', 'k', 'v', 'o']);
const model = buildModel(MODEL_PRESETS.tiny, { lora: loraExtension(targets) }, { seed: 1 }); // LoRA slots; base weights frozen
const adapters = LoraAdapters.of(model);
const prompt = [SPECIAL_IDS.firstPersona + 2, 300, 301, 302]; // a persona token and three prompt tokens
const inputs = Array.from({ length: 24 }, (_, i) => [320 + i, 330 + (i % 7)]); // inputs x, without the prompt
console.log(`LoRA target layers: ${targets.length}`);

// %%
// Trajectories: continuations sampled from the model WITH the prompt (the teacher).
const sampled = await sampleTrajectories(model, adapters, prompt, inputs, {
  maxNewTokens: 8,
  temperature: 1,
  seed: 0,
  stopTokens: [SPECIAL_IDS.eos],
});
await bakeAdapter(model, adapters, {
  name: 'math',
  promptIds: prompt,
  trajectories: sampled.slice(0, 16),
  shape: { rank: 8, alpha: 8 },
  seed: 0,
  train: BakingPhaseConfigSchema.parse({ steps: 10, batchSize: 8 }), // baking's defaults: lr 5e-3, no decay
});

// %%
// Held-out trajectories the adapter never saw: how far the unprompted model is from the prompted one.
const report = klReport(model, adapters, 'math', prompt, sampled.slice(16), 8);
console.log(`KL(prompted || base without prompt): ${report.klBase.toExponential(3)}`);
console.log(`KL(prompted || baked without prompt): ${report.klBaked.toExponential(3)}`);
console.log(`KL reduction: ${report.klReductionPct.toFixed(1)}%`);
const adapterWeights = adapters.weights('math'); // lora_a [in, rank] and lora_b [rank, out] per target layer
const adapterParams = [...adapterWeights.values()].reduce((n, w) => n + w.size, 0);
console.log(
  `adapter tensors: ${adapterWeights.size}, parameters: ${adapterParams} (base model: ${model.parameterCount})`,
);
