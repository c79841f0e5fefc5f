// One benchmark in its own process (so peak RSS and the wasm heap belong to it alone):
//   node train-bench.mjs <backend> <preset> <steps> <threads> <warmup>
// Trains the preset's TinyTitan on random tokens with the core training loop, then times
// KV-cached greedy generation and a whole-context forward at batch 1. Prints one JSON line.
// FORGE_NATIVE_KERNELS=0|1 turns the native kernels off / requires them; BENCH_MICRO=N forces the
// micro-batch (default: the training loop's own choice from its memory budget).
import { BENCH_BATCH, BENCH_MODELS } from './bench-models.mjs';
import { TinyTitan, TrainConfigSchema, generate, initBackend, describeBackend, tf, train } from '@agent-forge/core';

const [backend, preset, stepsArg, threadsArg, warmupArg] = process.argv.slice(2);
const steps = Number(stepsArg ?? 3);
const warmup = Number(warmupArg ?? 1);
const threads = Number(threadsArg ?? 2);

await initBackend({ prefer: backend, threads });
const config = BENCH_MODELS[preset];
const batch = BENCH_BATCH[preset];
const model = new TinyTitan(config, { seed: 0 });
const cols = config.contextLength + 1;
let state = 1;
const data = {
  next(rows) {
    const tokens = new Int32Array(rows * cols);
    for (let i = 0; i < tokens.length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      tokens[i] = state % config.vocabSize;
    }
    return { tokens, rows, cols };
  },
  getState: () => state,
  setState: (s) => {
    state = s;
  },
};
const stepTimes = [];
let last = performance.now();
const progress = {
  log: () => undefined,
  start: () => ({
    tick: (amount) => {
      if (amount === 0) return;
      const now = performance.now();
      stepTimes.push(now - last);
      last = now;
    },
    done: () => undefined,
  }),
};
const micro = process.env.BENCH_MICRO ? { microBatchSize: Number(process.env.BENCH_MICRO) } : {};
const trainConfig = TrainConfigSchema.parse({
  steps: warmup + steps,
  batchSize: batch,
  warmupSteps: 1,
  checkpointEvery: 0,
  spikeFactor: 0,
  lr: 1e-3,
  ...micro,
});
last = performance.now();
const summary = await train({ model, data, config: trainConfig, progress, shape: config });
const timed = stepTimes.slice(warmup).sort((a, b) => a - b);
const msPerStep = timed[Math.floor(timed.length / 2)] ?? stepTimes[stepTimes.length - 1];

// Decoding and a whole-context forward mean nothing for the 5-token Grokfast setting: measured for the LM presets.
const timeGeneration = config.contextLength >= 64;
let generateMsPerToken;
let forwardMs;
if (timeGeneration) {
  const prompt = Array.from({ length: config.contextLength / 2 }, (_, i) => (i * 7) % config.vocabSize);
  await generate(model, prompt.slice(0, 4), { maxNewTokens: 4 });
  const newTokens = Math.min(32, config.contextLength - prompt.length);
  // Median of 3: one generation is 32 tokens, and a single timing of it moved by ±1 ms/token run to run.
  const perToken = [];
  for (let repeat = 0; repeat < 3; repeat += 1) {
    const started = performance.now();
    const prefillAndDecode = await generate(model, prompt, { maxNewTokens: newTokens });
    const prefillOnly = performance.now();
    await generate(model, prompt, { maxNewTokens: 1 });
    const prefillMs = performance.now() - prefillOnly;
    perToken.push((prefillOnly - started - prefillMs) / Math.max(1, prefillAndDecode.tokens.length - 1));
  }
  generateMsPerToken = perToken.sort((a, b) => a - b)[1];
  forwardMs = medianForwardMs(model, config);
}

/** Batch 1, the whole context in one forward pass (no gradient): median of 5 after one warm-up. */
function medianForwardMs(model, modelConfig) {
  const tokens = tf.tensor2d(
    Int32Array.from({ length: modelConfig.contextLength }, (_, i) => (i * 13) % modelConfig.vocabSize),
    [1, modelConfig.contextLength],
    'int32',
  );
  const times = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const logits = model.forward(tokens);
    logits.dataSync();
    logits.dispose();
    if (i > 0) times.push(performance.now() - t0);
  }
  tokens.dispose();
  return times.sort((a, b) => a - b)[2];
}
const report = describeBackend();
console.log(
  JSON.stringify({
    backend: report.backend,
    threads: report.threads,
    simd: report.simd,
    preset,
    batch,
    params: [...model.namedWeights().values()].reduce((n, w) => n + w.size, 0),
    msPerStep,
    tokensPerSecond: (batch * config.contextLength) / (msPerStep / 1000),
    microBatch: summary.microBatch,
    generateMsPerToken,
    forwardMs,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    wasmHeapMb:
      report.backend === 'wasm' ? Math.round(tf.backend().wasm.HEAPU8.buffer.byteLength / 2 ** 20) : undefined,
    nativeKernels: report.nativeKernels?.active ?? false,
    firstLoss: summary.losses[0],
    lastLoss: summary.finalLoss,
    tensorsLeft: tf.memory().numTensors,
  }),
);
