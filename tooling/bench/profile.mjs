// Where a training step's time goes, by kernel:  node tooling/bench/profile.mjs [preset=paper] [backend=wasm]
// Runs one forward+backward of the preset's TinyTitan under tf.profile and prints the kernels
// sorted by total time, as a markdown table (used for docs/benchmarks.md).
// FORGE_NATIVE_KERNELS=0 profiles wasm's own kernels; presets include `grokfast` (bench-models.mjs).
import { BENCH_BATCH, BENCH_MODELS } from './bench-models.mjs';
import { TinyTitan, describeBackend, initBackend, tf } from '@agent-forge/core';
import { kernelTable, kernelsByName } from './kernel-table.mjs';

const [preset = 'paper', backend = 'wasm', threadsArg] = process.argv.slice(2);
await initBackend({ prefer: backend, ...(threadsArg ? { threads: Number(threadsArg) } : {}) });
const config = BENCH_MODELS[preset];
const batch = BENCH_BATCH[preset];
const native = describeBackend().nativeKernels?.active ? ' + native kernels' : '';
const model = new TinyTitan(config, { seed: 0 });
const tokens = tf.tensor2d(
  Int32Array.from({ length: batch * (config.contextLength + 1) }, (_, i) => (i * 31) % config.vocabSize),
  [batch, config.contextLength + 1],
  'int32',
);
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
const kernels = kernelsByName(profile);
const total = kernels.total;
console.log(
  `${preset} forward+backward, batch ${batch} × ${config.contextLength}, ${backend}${native}, ${describeBackend().threads} threads: ${wall.toFixed(0)} ms wall, ${total.toFixed(0)} ms in kernels (${profile.kernels.length} kernel calls)\n`,
);
console.log(kernelTable(kernels, 15, 0));
