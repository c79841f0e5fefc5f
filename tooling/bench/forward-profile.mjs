// Where a whole-context forward's time goes, by kernel:  node tooling/bench/forward-profile.mjs [preset=paper] [threads]
// Batch 1, the whole context in one pass, no gradient (the bench's "forward ms"), under tf.profile.
import { BENCH_MODELS } from './bench-models.mjs';
import { TinyTitan, describeBackend, initBackend, tf } from '@agent-forge/core';
import { kernelTable, kernelsByName } from './kernel-table.mjs';

const [preset = 'paper', threadsArg] = process.argv.slice(2);
await initBackend({ prefer: 'wasm', ...(threadsArg ? { threads: Number(threadsArg) } : {}) });
const config = BENCH_MODELS[preset];
const model = new TinyTitan(config, { seed: 0 });
const tokens = tf.tensor2d(
  Int32Array.from({ length: config.contextLength }, (_, i) => (i * 31) % config.vocabSize),
  [1, config.contextLength],
  'int32',
);
const forward = () => {
  const logits = model.forward(tokens);
  logits.dataSync();
  logits.dispose();
};
for (let i = 0; i < 2; i++) forward();
const walls = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  forward();
  walls.push(performance.now() - t);
}
walls.sort((a, b) => a - b);
const profile = await tf.profile(forward);
const kernels = kernelsByName(profile);
const total = kernels.total;
console.log(
  `${preset} forward, 1 × ${config.contextLength}, ${describeBackend().threads} threads: median ${walls[2].toFixed(1)} ms, min ${walls[0].toFixed(1)} ms wall; profiled: ${total.toFixed(1)} ms in kernels (${profile.kernels.length} calls)\n`,
);
console.log(kernelTable(kernels, 15, 1));
const shapes = profile.kernels
  .filter((k) => k.name === 'BatchMatMul')
  .map((k) => `${JSON.stringify(k.inputShapes)} ${Number(k.kernelTimeMs).toFixed(2)}`);
console.log(shapes.slice(0, 12).join('\n'));
