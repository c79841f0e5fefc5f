// Where a KV-cached decode step's time goes:  node tooling/bench/decode-profile.mjs [preset=paper] [threads]
// Prefills half the context, then profiles one forwardStep of one token under tf.profile and prints
// the kernels by total time, plus the wall time per step over 32 steps (median).
import { BENCH_MODELS } from './bench-models.mjs';
import { KvCache, TinyTitan, describeBackend, initBackend, tf } from '@agent-forge/core';

const [preset = 'paper', threadsArg] = process.argv.slice(2);
await initBackend({ prefer: 'wasm', ...(threadsArg ? { threads: Number(threadsArg) } : {}) });
const config = BENCH_MODELS[preset];
const model = new TinyTitan(config, { seed: 0 });
const prompt = Array.from({ length: config.contextLength / 2 }, (_, i) => (i * 7) % config.vocabSize);
const cache = model.createCache ? model.createCache() : new KvCache(config);
const feed = (ids) => {
  const last = tf.tidy(() => {
    const logits = model.forwardStep(tf.tensor2d(ids, [1, ids.length], 'int32'), cache);
    return tf.reshape(tf.slice(logits, [0, ids.length - 1, 0], [1, 1, config.vocabSize]), [-1]);
  });
  const values = last.dataSync();
  last.dispose();
  return values;
};
feed(prompt);
const times = [];
const cpuStart = process.cpuUsage();
for (let i = 0; i < 24; i += 1) {
  const started = performance.now();
  feed([(i * 5) % config.vocabSize]);
  times.push(performance.now() - started);
}
const cpu = process.cpuUsage(cpuStart);
const cpuMsPerToken = (cpu.user + cpu.system) / 1000 / 24;
times.sort((a, b) => a - b);
const profile = await tf.profile(() => feed([3]));
const byKernel = new Map();
for (const kernel of profile.kernels) {
  const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
  entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
  entry.calls += 1;
  byKernel.set(kernel.name, entry);
}
const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
const native = describeBackend().nativeKernels?.active ? ' + native kernels' : '';
console.log(
  `${preset} decode step, wasm${native}, ${describeBackend().threads} threads: median ${times[times.length >> 1].toFixed(2)} ms/token (min ${times[0].toFixed(2)}), ${total.toFixed(2)} ms in kernels, CPU ${cpuMsPerToken.toFixed(2)} ms/token, ${profile.kernels.length} kernel calls; load ${(await import('node:os')).loadavg()[0].toFixed(2)}\n`,
);
console.log('| kernel | calls | ms | share |\n|---|---:|---:|---:|');
for (const [name, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) {
  console.log(`| ${name} | ${calls} | ${ms.toFixed(2)} | ${((100 * ms) / total).toFixed(1)} % |`);
}
