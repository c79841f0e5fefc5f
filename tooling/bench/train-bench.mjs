// One benchmark in its own process (so peak RSS and the wasm heap belong to it alone):
//   node train-bench.mjs <backend> <preset> <steps> <threads> <warmup>
// Trains the preset's TinyTitan on random tokens with the core training loop, then times
// KV-cached greedy generation at batch 1. Prints one JSON line.
import { MODEL_PRESETS, TinyTitan, TrainConfigSchema, generate, initBackend, describeBackend, tf, train } from '@agent-forge/core';

const [backend, preset, stepsArg, threadsArg, warmupArg] = process.argv.slice(2);
const steps = Number(stepsArg ?? 3);
const warmup = Number(warmupArg ?? 1);
const threads = Number(threadsArg ?? 2);
const BATCH = { tiny: 8, small: 8, paper: 4 };

await initBackend({ prefer: backend, threads });
const config = MODEL_PRESETS[preset];
const batch = BATCH[preset];
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
  setState: (s) => { state = s; },
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
const trainConfig = TrainConfigSchema.parse({ steps: warmup + steps, batchSize: batch, warmupSteps: 1, checkpointEvery: 0, spikeFactor: 0, lr: 1e-3 });
last = performance.now();
const summary = await train({ model, data, config: trainConfig, progress, shape: config });
const timed = stepTimes.slice(warmup).sort((a, b) => a - b);
const msPerStep = timed[Math.floor(timed.length / 2)] ?? stepTimes[stepTimes.length - 1];

const prompt = Array.from({ length: config.contextLength / 2 }, (_, i) => (i * 7) % config.vocabSize);
await generate(model, prompt.slice(0, 4), { maxNewTokens: 4 });
const newTokens = Math.min(32, config.contextLength - prompt.length);
const started = performance.now();
const prefillAndDecode = await generate(model, prompt, { maxNewTokens: newTokens });
const prefillOnly = performance.now();
await generate(model, prompt, { maxNewTokens: 1 });
const prefillMs = performance.now() - prefillOnly;
const generateMsPerToken = (prefillOnly - started - prefillMs) / Math.max(1, prefillAndDecode.tokens.length - 1);
const report = describeBackend();
console.log(JSON.stringify({
  backend: report.backend, threads: report.threads, simd: report.simd, preset, batch,
  params: [...model.namedWeights().values()].reduce((n, w) => n + w.size, 0),
  msPerStep, tokensPerSecond: (batch * config.contextLength) / (msPerStep / 1000), microBatch: summary.microBatch,
  generateMsPerToken, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  firstLoss: summary.losses[0], lastLoss: summary.finalLoss, tensorsLeft: tf.memory().numTensors,
}));
