// Tracking overhead: what logging a metric costs per sink, against one tiny training step.
//   node tooling/bench/tracking-overhead.mjs [records=20000] [steps=12]
// Prints a markdown section. Each sink is timed alone writing `records` metrics (as the training loop
// logs them: loss, lr, gradNorm per step); the step time is the median of core train() steps of the
// tiny preset (batch 8, random tokens); the overhead is 3 metrics per step at logEvery = 1, the worst case.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MODEL_PRESETS,
  TinyTitan,
  TrainConfigSchema,
  Tracker,
  describeBackend,
  initBackend,
  train,
} from '@agent-forge/core';

const records = Number(process.argv[2] ?? 20000);
const steps = Number(process.argv[3] ?? 12);
const METRICS_PER_STEP = 3;
delete process.env.WANDB_API_KEY; // the W&B sink is timed offline: no network here

async function msPerMetric(sinks) {
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'forge-track-bench-'));
  const tracker = await Tracker.open(sinks, { runDir, runId: 'bench' });
  const started = performance.now();
  for (let i = 0; i < records; i += METRICS_PER_STEP) {
    const step = i / METRICS_PER_STEP + 1;
    tracker.metrics('bench', step, { loss: 5 / step, lr: 1e-3, gradNorm: 1 + (step % 7) / 10 });
  }
  await tracker.close();
  const ms = (performance.now() - started) / records;
  rmSync(runDir, { recursive: true, force: true });
  return ms;
}

async function msPerTrainStep() {
  const config = MODEL_PRESETS.tiny;
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
  const times = [];
  let last = performance.now();
  const progress = {
    log: () => undefined,
    start: () => ({
      tick: (n) => {
        if (n === 0) return;
        const now = performance.now();
        times.push(now - last);
        last = now;
      },
      done: () => undefined,
    }),
  };
  const trainConfig = TrainConfigSchema.parse({
    steps: steps + 2,
    batchSize: 8,
    warmupSteps: 1,
    checkpointEvery: 0,
    spikeFactor: 0,
    lr: 1e-3,
  });
  last = performance.now();
  await train({ model, data, config: trainConfig, progress, shape: config });
  model.dispose();
  const timed = times.slice(2).sort((a, b) => a - b);
  return timed[Math.floor(timed.length / 2)];
}

await initBackend();
const sinkSets = [['run-store'], ['tensorboard'], ['wandb'], ['run-store', 'tensorboard', 'wandb']];
const perMetric = [];
for (const sinks of sinkSets) perMetric.push({ sinks, ms: await msPerMetric(sinks) });
const stepMs = await msPerTrainStep();
const backend = describeBackend();

console.log(`## Tracking overhead\n`);
console.log(
  `\`node tooling/bench/tracking-overhead.mjs ${records} ${steps}\` — ${records} metrics per sink; tiny preset (${MODEL_PRESETS.tiny.dModel}×${MODEL_PRESETS.tiny.nLayers}, ctx ${MODEL_PRESETS.tiny.contextLength}), batch 8, backend ${backend.backend}, ${os.cpus().length} CPUs, Node ${process.version}.\n`,
);
console.log(
  `Median training step: **${stepMs.toFixed(2)} ms**. Overhead = ${METRICS_PER_STEP} metrics × ms/metric ÷ step time (logEvery = 1, the worst case).\n`,
);
console.log('| sinks | µs per metric | overhead per tiny step |');
console.log('|---|---:|---:|');
for (const { sinks, ms } of perMetric) {
  console.log(
    `| ${sinks.join(' + ')} | ${(ms * 1000).toFixed(1)} | ${(((METRICS_PER_STEP * ms) / stepMs) * 100).toFixed(3)}% |`,
  );
}
