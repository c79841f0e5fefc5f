#!/usr/bin/env node
/**
 * Wall time of one training step at the Grokfast reproduction's setting, ours beside PyTorch's, in one
 * run on the same machine: a timing for docs/phases/forge-train.md, so run it on an idle machine (the
 * load average is printed before and after). Ours: `GrokfastArmSession` (the baseline arm: Adam, no
 * filter), 1 thread by default, native kernels when loaded. PyTorch: `grokfast_torch_step.py`, the
 * reference's decoder, the same thread count, Debian's python3-torch in tooling/bench's environment.
 *
 *   node bench/grokfast-step-time.mjs [--threads 1] [--steps 40] [--rounds 3]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '@agent-forge/core';
import { GrokfastArmSession, PAPER_ARMS, parseGrokfastDemoOptions } from '@agent-forge/forge-train';
import { torchEnv } from '../../../tooling/bench/torch-env.mjs';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    steps: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '3' },
  },
});
const threads = Number(values.threads);
const steps = Number(values.steps);
const here = path.dirname(fileURLToPath(import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function oursOnce() {
  const options = parseGrokfastDemoOptions({ seeds: [0], maxSteps: steps + 10, arms: [PAPER_ARMS[0]] });
  const session = new GrokfastArmSession(
    PAPER_ARMS.find((arm) => !arm.filter),
    0,
    options,
  );
  for (let i = 0; i < 5; i++) session.trainStep();
  let started = performance.now();
  for (let i = 0; i < steps; i++) session.trainStep();
  const trainMs = (performance.now() - started) / steps;
  started = performance.now();
  for (let i = 0; i < 4; i++) session.endEpoch();
  const validationMs = (performance.now() - started) / 4;
  session.dispose();
  return { trainMs, validationMs };
}

function torchOnce() {
  const result = spawnSync(
    '/usr/bin/python3',
    [path.join(here, 'grokfast_torch_step.py'), String(threads), String(steps)],
    {
      encoding: 'utf8',
      env: torchEnv(),
    },
  );
  if (result.status !== 0) throw new Error(`grokfast_torch_step.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

const backend = await initBackend({ prefer: process.env.FORGE_BACKEND || 'wasm', threads });
const loadBefore = loadavg()
  .map((x) => x.toFixed(2))
  .join(' / ');
const ours = [];
const torch = [];
for (let round = 0; round < Number(values.rounds); round++) {
  ours.push(await oursOnce());
  torch.push(torchOnce());
}
const loadAfter = loadavg()
  .map((x) => x.toFixed(2))
  .join(' / ');
// A step's share of the per-epoch validation: one validation per 10 updates (4,656 rows / 512).
const perStep = (run) => run.trainMs + run.validationMs / 10;
const row = (name, runs) =>
  `| ${name} | ${median(runs.map((r) => r.trainMs)).toFixed(1)} | ${median(runs.map((r) => r.validationMs)).toFixed(0)} | ${median(runs.map(perStep)).toFixed(1)} |`;
console.log(
  `threads ${threads}; ours: ${backend.choice}, native kernels ${backend.nativeKernels?.active ? 'on' : 'off'}; PyTorch ${torch[0].torch}`,
);
console.log(
  `load average (1 / 5 / 15 min) before ${loadBefore}, after ${loadAfter}; median of ${values.rounds} rounds of ${steps} steps`,
);
console.log(
  '\n| engine | train step, ms | validation, ms | a step with its share of validation, ms |\n|---|---:|---:|---:|',
);
console.log(row('ours (TensorFlow.js)', ours));
console.log(row('PyTorch', torch));
console.log(
  `\nours / PyTorch, a step with validation: ${(median(ours.map(perStep)) / median(torch.map(perStep))).toFixed(2)}×`,
);
