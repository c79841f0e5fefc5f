// Where a KV-cached decode step's time goes:  node tooling/bench/decode-profile.mjs [preset=paper] [threads]
// Prefills half the context, then profiles one forwardStep of one token under tf.profile and prints
// the kernels by total time, plus the wall time per step over 32 steps (median).
import { BENCH_MODELS } from './bench-models.mjs';
import { KvCache, TinyTitan, describeBackend, initBackend, tf } from '@agent-forge/core';
import { kernelTable, kernelsByName } from './kernel-table.mjs';

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
const kernels = kernelsByName(profile);
const total = kernels.total;
const native = describeBackend().nativeKernels?.active ? ' + native kernels' : '';
console.log(
  `${preset} decode step, wasm${native}, ${describeBackend().threads} threads: median ${times[times.length >> 1].toFixed(2)} ms/token (min ${times[0].toFixed(2)}), ${total.toFixed(2)} ms in kernels, CPU ${cpuMsPerToken.toFixed(2)} ms/token, ${profile.kernels.length} kernel calls; load ${(await import('node:os')).loadavg()[0].toFixed(2)}\n`,
);
console.log(kernelTable(kernels, 20, 2));
