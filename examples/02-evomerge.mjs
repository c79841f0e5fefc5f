// Phase 2, evomerge: merge methods over named weight maps (mergekit-shaped configs), the building
// blocks of the evolutionary search. Three fresh `tiny` TinyTitans stand in for cognate's three models;
// each merge is checked against the same formula computed by hand here, tensor by tensor.
// Build first (`pnpm build`), then: node examples/02-evomerge.mjs

// %%
import {
  MODEL_PRESETS,
  SPECIAL_IDS,
  TinyTitan,
  heldOutWindows,
  initBackend,
  perplexity,
  weightsFromTf,
  weightsToTf,
} from '@agent-forge/core';
import { MERGE_METHODS, mergeWeightMaps } from '@agent-forge/evomerge';

await initBackend();
const names = ['a', 'b', 'c'];
const models = names.map((_, i) => new TinyTitan(MODEL_PRESETS.tiny, { seed: i + 1 }));
const sources = new Map(names.map((name, i) => [name, weightsFromTf(models[i].namedWeights())]));
console.log(`merge methods: ${MERGE_METHODS.size} (${MERGE_METHODS.names().join(', ')})`);
console.log(`tensors per model: ${sources.get('a').size}`);

// %%
// The largest |merged − expected| over every element of every tensor.
function maxDeviation(merged, expected) {
  let worst = 0;
  for (const [name, tensor] of merged) {
    const want = expected(name);
    for (let i = 0; i < tensor.data.length; i++) worst = Math.max(worst, Math.abs(tensor.data[i] - want(i)));
  }
  return worst;
}
const w = (name, model) => sources.get(model).get(name).data;

// %%
// linear: Σ wᵢθᵢ / Σ wᵢ (weights 0.5, 0.3, 0.2).
const linear = await mergeWeightMaps(
  {
    merge_method: 'linear',
    models: [
      { model: 'a', parameters: { weight: 0.5 } },
      { model: 'b', parameters: { weight: 0.3 } },
      { model: 'c', parameters: { weight: 0.2 } },
    ],
  },
  sources,
);
console.log(
  `linear: max |merged - hand-computed|: ${maxDeviation(linear, (n) => (i) => 0.5 * w(n, 'a')[i] + 0.3 * w(n, 'b')[i] + 0.2 * w(n, 'c')[i]).toExponential(2)}`,
);

// task arithmetic: θ_a + Σ wᵢ(θᵢ − θ_a), with a as the base (weights 0.6 and 0.4).
const taskArithmetic = await mergeWeightMaps(
  {
    merge_method: 'task_arithmetic',
    base_model: 'a',
    models: [
      { model: 'b', parameters: { weight: 0.6 } },
      { model: 'c', parameters: { weight: 0.4 } },
    ],
  },
  sources,
);
const taskExpected = (n) => (i) =>
  w(n, 'a')[i] + 0.6 * (w(n, 'b')[i] - w(n, 'a')[i]) + 0.4 * (w(n, 'c')[i] - w(n, 'a')[i]);
console.log(
  `task_arithmetic: max |merged - hand-computed|: ${maxDeviation(taskArithmetic, taskExpected).toExponential(2)}`,
);

// %%
// slerp at its ends is exactly its parents; in between it leaves the straight line between them.
const slerp = async (t) =>
  mergeWeightMaps(
    { merge_method: 'slerp', base_model: 'a', models: [{ model: 'a' }, { model: 'b' }], parameters: { t } },
    sources,
  );
console.log(`slerp t=0: max |merged - a|: ${maxDeviation(await slerp(0), (n) => (i) => w(n, 'a')[i])}`);
console.log(`slerp t=1: max |merged - b|: ${maxDeviation(await slerp(1), (n) => (i) => w(n, 'b')[i])}`);
const mid = await slerp(0.5);
const norm = (data) => Math.sqrt(data.reduce((s, v) => s + v * v, 0));
const embed = (map) => map.get('embed.weight').data;
const lerpNorm = norm(embed(sources.get('a')).map((v, i) => 0.5 * v + 0.5 * embed(sources.get('b'))[i]));
console.log(
  `slerp t=0.5 embedding norm: ${norm(embed(mid)).toFixed(3)} (lerp: ${lerpNorm.toFixed(3)}, a: ${norm(embed(sources.get('a'))).toFixed(3)})`,
);

// %%
// TIES at density 0.2: 80% of each task vector is trimmed; the merged model still loads and runs.
const ties = await mergeWeightMaps(
  {
    merge_method: 'ties',
    base_model: 'a',
    models: [
      { model: 'b', parameters: { weight: 1, density: 0.2 } },
      { model: 'c', parameters: { weight: 1, density: 0.2 } },
    ],
  },
  sources,
);
const changed = [...ties].reduce((n, [name, t]) => n + t.data.filter((v, i) => v !== w(name, 'a')[i]).length, 0);
const total = [...ties.values()].reduce((n, t) => n + t.data.length, 0);
console.log(`ties density 0.2: share of weights that differ from the base: ${(changed / total).toFixed(3)}`);
const merged = new TinyTitan(MODEL_PRESETS.tiny);
merged.loadWeights(weightsToTf(ties));
const windows = heldOutWindows(
  [Int32Array.from({ length: 400 }, (_, i) => 300 + ((i * 7) % 50))],
  MODEL_PRESETS.tiny.contextLength,
  SPECIAL_IDS.eos,
  4,
);
console.log(
  `ties merge perplexity on a fixed sequence: ${perplexity(merged, windows).perplexity.toFixed(2)} (untrained models: about the vocabulary size, ${MODEL_PRESETS.tiny.vocabSize})`,
);
