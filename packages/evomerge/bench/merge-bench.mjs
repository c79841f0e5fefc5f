#!/usr/bin/env node
/**
 * Merge throughput and peak memory on two `paper`-preset checkpoints (24.6M params, ~99 MB each).
 *   node packages/evomerge/bench/merge-bench.mjs            (after building core and evomerge)
 * Each merge runs in a child process of its own, so its peak RSS (process.resourceUsage().maxRSS)
 * is that merge's alone, not the model building's. MB/s = input tensor bytes read / wall seconds.
 * Not a test: figures go to docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const METHODS = {
  linear: (a, b) => ({
    merge_method: 'linear',
    models: [
      { model: a, parameters: { weight: 0.5 } },
      { model: b, parameters: { weight: 0.5 } },
    ],
  }),
  slerp: (a, b) => ({
    merge_method: 'slerp',
    base_model: a,
    models: [{ model: a }, { model: b }],
    parameters: { t: 0.5 },
  }),
  // Two checkpoints: a is the base, b the one task vector, trimmed to its top 20% (the TIES paper's k).
  ties: (a, b) => ({
    merge_method: 'ties',
    base_model: a,
    models: [{ model: b, parameters: { weight: 1, density: 0.2 } }],
  }),
};

async function buildCheckpoints(dir) {
  const { MODEL_PRESETS, TinyTitan, saveCheckpoint, useBackend, weightsFromTf } = await import('@agent-forge/core');
  await useBackend('cpu');
  const dirs = [];
  for (const seed of [1, 2]) {
    const model = new TinyTitan(MODEL_PRESETS.paper, { seed });
    const target = path.join(dir, `paper-${seed}`);
    await saveCheckpoint(target, {
      config: { architecture: 'tinytitan', model: model.config, extensions: {} },
      weights: weightsFromTf(model.namedWeights()),
    });
    model.dispose();
    dirs.push(target);
  }
  return dirs;
}

async function mergeOnce(method, a, b, out) {
  const { mergeCheckpoints } = await import('../dist/index.js');
  // maxRSS also counts loading the engine (core imports tfjs), so the RSS is sampled during the merge as well.
  const before = process.memoryUsage().rss;
  let sampled = before;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  const summary = await mergeCheckpoints(METHODS[method](a, b), { outDir: out });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const result = {
    method,
    seconds,
    mbRead: summary.bytesRead / 1e6,
    mbWritten: summary.bytesWritten / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssBeforeMb: before / 2 ** 20,
    rssGrowthMb: (sampled - before) / 2 ** 20,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function baselineRss() {
  await import('../dist/index.js');
  process.stdout.write(`${JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

function child(...args) {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'merge-bench-'));
  try {
    const [a, b] = await buildCheckpoints(dir);
    const idle = child('--baseline');
    console.log(
      `node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}); idle process with evomerge loaded: ${idle.peakRssMb.toFixed(0)} MB RSS`,
    );
    console.log('method   input MB  seconds   MB/s   peak RSS MB (maxRSS)   RSS before → sampled peak during merge');
    for (const method of Object.keys(METHODS)) {
      const r = child('--merge', method, a, b, path.join(dir, `out-${method}`));
      console.log(
        `${method.padEnd(8)} ${r.mbRead.toFixed(1).padStart(8)} ${r.seconds.toFixed(2).padStart(8)} ${(r.mbRead / r.seconds).toFixed(1).padStart(6)} ${r.peakRssMb.toFixed(0).padStart(13)}          ${r.rssBeforeMb.toFixed(0)} → +${r.rssGrowthMb.toFixed(0)} MB`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const [flag, ...rest] = process.argv.slice(2);
if (flag === '--merge') await mergeOnce(rest[0], rest[1], rest[2], rest[3]);
else if (flag === '--baseline') await baselineRss();
else await main();
