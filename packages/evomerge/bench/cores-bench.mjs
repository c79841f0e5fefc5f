// What the second core buys the search: evaluates the same fixed genomes (seeded random merges of
// the cognate models) three ways and prints a markdown table of wall times:
//   one process, wasm 2 threads (what the phase does) · one process, 1 thread · two worker
//   processes with 1 thread each, half the genomes each (what a worker pool would do).
// Usage: node bench/cores-bench.mjs <cognate phase dir> [preset=tiny] [genomes=8]
import { spawn } from 'node:child_process';
import os from 'node:os';
import { Rng, Tracker, initBackend, readPhaseResult, silentProgress } from '@agent-forge/core';
import {
  EvomergePhaseConfigSchema,
  MergeEvaluator,
  evomergePresetDefaults,
  genomeSpace,
  loadSources,
  pickSources,
  preparePhaseData,
  randomGenome,
} from '../dist/index.js';

const [inputDir, preset = 'tiny', count = '8', role = 'main', threads = '2', part = '0', parts = '1'] =
  process.argv.slice(2);

async function evaluateShare() {
  await initBackend({ prefer: 'wasm', threads: Number(threads) });
  const config = EvomergePhaseConfigSchema.parse(evomergePresetDefaults(preset));
  const sources = await loadSources(pickSources(readPhaseResult(inputDir)));
  const ctx = { preset, seed: 0, tracker: Tracker.none(), progress: silentProgress };
  const data = await preparePhaseData(config, ctx, sources.tokenizer, sources.modelConfig.contextLength);
  const space = genomeSpace(config, sources.models.length, sources.modelConfig.nLayers);
  const rng = Rng.fromSeed(11);
  const genomes = Array.from({ length: Number(count) }, () => randomGenome(space, rng, 'linear'));
  const evaluator = new MergeEvaluator(sources, data.search);
  await evaluator.evaluate(genomes[0]); // warm-up: builds the pooled model, compiles kernels
  const mine = genomes.filter((_, i) => i % Number(parts) === Number(part));
  const started = performance.now();
  for (const genome of mine) await evaluator.evaluate(genome);
  evaluator.dispose();
  return performance.now() - started;
}

function child(args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [new URL(import.meta.url).pathname, inputDir, preset, count, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`child exited ${code}`))));
  });
}

if (role === 'child') {
  console.log(await evaluateShare());
} else {
  const rows = [];
  for (const [label, runs] of [
    ['1 process, wasm 2 threads', [['child', '2', '0', '1']]],
    ['1 process, wasm 1 thread', [['child', '1', '0', '1']]],
    [
      '2 processes × 1 thread, half each',
      [
        ['child', '1', '0', '2'],
        ['child', '1', '1', '2'],
      ],
    ],
  ]) {
    const started = performance.now();
    const loops = await Promise.all(runs.map(child));
    rows.push([label, Math.max(...loops), performance.now() - started]);
  }
  console.log(`### evomerge — what the second core buys (${preset}, ${count} evaluations)`);
  console.log('');
  console.log(
    `Command: \`node packages/evomerge/bench/cores-bench.mjs ${inputDir} ${preset} ${count}\`, ${os.cpus().length} CPUs, load avg ${os.loadavg()[0].toFixed(1)} at the end. Evaluation time: the slowest process's loop over its genomes (after a warm-up evaluation); wall time adds start-up and loading.`,
  );
  console.log('');
  console.log('| setup | evaluation time | speed-up vs 2 threads | wall time |');
  console.log('|---|---:|---:|---:|');
  for (const [label, ms, wall] of rows)
    console.log(
      `| ${label} | ${(ms / 1000).toFixed(1)} s | ${(rows[0][1] / ms).toFixed(2)}× | ${(wall / 1000).toFixed(1)} s |`,
    );
}
