// Where a training step's time goes, by kernel:  node tooling/bench/profile.mjs [preset=paper] [backend=wasm]
// Runs one forward+backward of the preset's TinyTitan under tf.profile and prints the kernels
// sorted by total time, as a markdown table (used for docs/benchmarks.md).
import { MODEL_PRESETS, TinyTitan, initBackend, tf } from '@agent-forge/core';

const [preset = 'paper', backend = 'wasm'] = process.argv.slice(2);
await initBackend({ prefer: backend });
const config = MODEL_PRESETS[preset];
const batch = preset === 'paper' ? 4 : 8;
const model = new TinyTitan(config, { seed: 0 });
const tokens = tf.tensor2d(Int32Array.from({ length: batch * (config.contextLength + 1) }, (_, i) => (i * 31) % config.vocabSize), [batch, config.contextLength + 1], 'int32');
const weights = [...model.namedWeights().values()];
const step = () => {
  const { value, grads } = tf.variableGrads(() => model.loss(tokens), weights);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
};
step();
const started = performance.now();
const profile = await tf.profile(step);
const wall = performance.now() - started;
const byKernel = new Map();
for (const kernel of profile.kernels) {
  const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
  entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
  entry.calls += 1;
  byKernel.set(kernel.name, entry);
}
const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
console.log(`${preset} forward+backward, batch ${batch} × ${config.contextLength}, ${backend}: ${wall.toFixed(0)} ms wall, ${total.toFixed(0)} ms in kernels\n`);
console.log('| kernel | calls | ms | share |\n|---|---:|---:|---:|');
for (const [name, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  console.log(`| ${name} | ${calls} | ${ms.toFixed(0)} | ${((100 * ms) / total).toFixed(1)} % |`);
}
