import { TinyTitan, initBackend, tf } from '@agent-forge/core';
import { BENCH_MODELS, BENCH_BATCH } from '/work/main/tooling/bench/bench-models.mjs';
const preset = process.argv[2] ?? 'grokfast';
await initBackend({ prefer: 'wasm', threads: Number(process.argv[3] ?? 1) });
const config = BENCH_MODELS[preset]; const batch = BENCH_BATCH[preset];
const model = new TinyTitan(config, { seed: 0 });
const tokens = tf.tensor2d(Int32Array.from({ length: batch * (config.contextLength + 1) }, (_, i) => (i * 31) % config.vocabSize), [batch, config.contextLength + 1], 'int32');
const weights = [...model.namedWeights().values()];
const step = () => { const { value, grads } = tf.variableGrads(() => model.loss(tokens), weights); value.dataSync(); tf.dispose([value, ...Object.values(grads)]); };
step();
const t0 = performance.now(); const profile = await tf.profile(step); const wall = performance.now() - t0;
const by = new Map();
for (const k of profile.kernels) { const e = by.get(k.name) ?? { ms: 0, calls: 0 }; e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0; e.calls++; by.set(k.name, e); }
const total = [...by.values()].reduce((s, e) => s + e.ms, 0);
console.log(`${preset}: wall ${wall.toFixed(0)} ms, kernels ${total.toFixed(0)} ms, ${profile.kernels.length} kernel calls`);
for (const [n, { ms, calls }] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14)) console.log(n.padEnd(28), String(calls).padStart(4), ms.toFixed(1).padStart(8));
