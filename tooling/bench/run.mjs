// `pnpm bench`: training tokens/s, ms/step, generation ms/token and peak RSS of the engine on
// each available backend, beside the same architecture in PyTorch when it is installed, written
// to docs/benchmarks.md. A benchmark, not a test: numbers depend on the machine and its load.
//   BENCH_PRESETS=small,paper  BENCH_STEPS=3  BENCH_CPU=0 (skip the slow pure-JS backend)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MODEL_PRESETS } from '@agent-forge/core';

const here = import.meta.dirname;
const repo = path.resolve(here, '../..');
const presets = (process.env.BENCH_PRESETS ?? 'small,paper').split(',');
const steps = Number(process.env.BENCH_STEPS ?? 3);
const threads = Math.max(1, os.cpus().length);
const BATCH = { tiny: 8, small: 8, paper: 4 };

function runJson(command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = result.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (result.status !== 0 || !line) {
    console.error(`bench: ${command} ${args.join(' ')} failed:\n${result.stderr.slice(-2000)}`);
    return { error: (result.stderr.trim().split('\n').pop() ?? 'failed').slice(0, 200) };
  }
  const parsed = JSON.parse(line);
  console.error(`bench: ${parsed.backend} ${args[1] ?? ''} threads=${parsed.threads}: ${parsed.msPerStep?.toFixed(0)} ms/step (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return parsed;
}

function torchAvailable() {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

const engineRuns = [];
for (const preset of presets) {
  engineRuns.push({ preset, ...runJson(process.execPath, [path.join(here, 'train-bench.mjs'), 'wasm', preset, String(steps), String(threads), '1']) });
  engineRuns.push({ preset, ...runJson(process.execPath, [path.join(here, 'train-bench.mjs'), 'wasm', preset, String(steps), '1', '1']) });
  if (process.env.BENCH_CPU !== '0' && preset !== 'paper') {
    engineRuns.push({ preset, ...runJson(process.execPath, [path.join(here, 'train-bench.mjs'), 'cpu', preset, '1', '1', '0']) });
  }
}
const torch = torchAvailable();
const torchRuns = {};
if (torch) {
  for (const preset of presets) {
    const config = JSON.stringify(MODEL_PRESETS[preset]);
    torchRuns[preset] = runJson('/usr/bin/python3', [path.join(here, 'torch_tinytitan.py'), config, String(BATCH[preset]), String(steps + 2), String(threads), '2']);
  }
}
// Phase benchmarks: each prints plain lines; they go into the file verbatim, with their command.
const PHASE_BENCHES = [
  { title: 'bitnet: ternary share and sizes (small)', script: 'packages/bitnet/bench/bitnet-bench.mjs', args: ['small'] },
  { title: 'bitnet: ternary share and sizes (paper)', script: 'packages/bitnet/bench/bitnet-bench.mjs', args: ['paper'] },
  { title: 'chat/serve runtimes: ours, llama.cpp, onnxruntime (paper)', script: 'apps/cli/bench/runtime-bench.mjs', args: ['paper'] },
];
const phaseSections = PHASE_BENCHES.filter((bench) => existsSync(path.join(repo, bench.script))).map((bench) => {
  const result = spawnSync(process.execPath, [path.join(repo, bench.script), ...bench.args], { encoding: 'utf8', cwd: repo });
  const output = result.status === 0 ? result.stdout.trim() : `failed: ${result.stderr.trim().split('\n').pop()}`;
  console.error(`bench: ${bench.title} done`);
  return `### ${bench.title}\n\n\`node ${bench.script} ${bench.args.join(' ')}\`\n\n\`\`\`\n${output}\n\`\`\`\n`;
});
const profilePreset = presets.includes('paper') ? 'paper' : presets[0];
const profiled = spawnSync(process.execPath, [path.join(here, 'profile.mjs'), profilePreset, 'wasm'], { encoding: 'utf8' });
const profileTable = profiled.status === 0 ? profiled.stdout.trim() : `profile failed: ${profiled.stderr.trim().split('\n').pop()}`;
// Figures that take too long to re-measure on every bench run (evolution, Grokfast, whole phases)
// live below this marker with their commands; the bench keeps them as they are.
const HAND_MARKER = '<!-- measured-by-hand: kept by pnpm bench -->';
const benchmarksFile = path.join(repo, 'docs/benchmarks.md');
const previous = existsSync(benchmarksFile) ? readFileSync(benchmarksFile, 'utf8') : '';
const handMeasured = previous.includes(HAND_MARKER) ? previous.slice(previous.indexOf(HAND_MARKER)) : HAND_MARKER;
writeFileSync(benchmarksFile, `${render(engineRuns, torchRuns, torch)}
## Where the time goes

One forward + backward at \`${profilePreset}\` under \`tf.profile\` (tooling/bench/profile.mjs), kernels by total time:

${profileTable}

Analysis and what would move these numbers: [performance.md](performance.md).

## Phases

${phaseSections.join('\n')}
${handMeasured}
`);
console.error('bench: wrote docs/benchmarks.md');

function render(runs, torchBy, hasTorch) {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const tfjs = JSON.parse(readFileSync(path.join(repo, 'packages/core/node_modules/@tensorflow/tfjs-core/package.json'), 'utf8')).version;
  const fmt = (x, d = 0) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
  const rows = [];
  for (const preset of presets) {
    const ref = torchBy[preset];
    for (const run of [...runs.filter((r) => r.preset === preset), ...(ref ? [{ preset, ...ref }] : [])]) {
      const pct = ref && !ref.error && !run.error ? `${fmt((100 * run.tokensPerSecond) / ref.tokensPerSecond, 1)} %` : '–';
      const name = run.error ? `${run.backend ?? '?'} (failed: ${run.error})` : run.backend === 'torch' ? `PyTorch ${run.torch} (${run.blas} BLAS)` : `tfjs ${run.backend}${run.simd ? ' SIMD' : ''}`;
      rows.push(`| ${preset} | ${name} | ${run.threads ?? '–'} | ${fmt(run.msPerStep)} | ${fmt(run.tokensPerSecond)} | ${pct} | ${fmt(run.generateMsPerToken, 1)} | ${fmt(run.peakRssMb)} | ${run.params ?? '–'} |`);
    }
  }
  const paper = runs.find((r) => r.preset === 'paper' && r.threads === threads && !r.error);
  const ratio = paper && torchBy.paper && !torchBy.paper.error ? (100 * paper.tokensPerSecond) / torchBy.paper.tokensPerSecond : undefined;
  return `# Benchmarks

Written by \`pnpm bench\` (tooling/bench/run.mjs) on ${new Date().toISOString().slice(0, 10)}. Speed and memory are
benchmarks, never test assertions: they depend on the machine and on what else it is doing.

- Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; TensorFlow.js ${tfjs}.
- Training: the core training loop (AdamW, clipping, micro-batching) on random tokens; batch × context =
  ${presets.map((p) => `${p} ${BATCH[p]} × ${MODEL_PRESETS[p].contextLength}`).join(', ')}; median ms/step over ${steps} timed steps after 1 warm-up step
  (the pure-JS cpu backend: 1 step, no warm-up — it is ~1000× slower and only a correctness reference).
- Generation: batch 1, greedy, KV cache, prompt = half the context, ms per new token after the prefill.
- Peak RSS: the whole benchmark process (\`process.resourceUsage().maxRSS\`, Python's \`ru_maxrss\`).
- PyTorch: ${hasTorch ? 'the same architecture (tooling/bench/torch_tinytitan.py: rotary, SwiGLU, RMSNorm, tied head) with the same config, batch and thread count, run with Debian\'s `python3-torch` and `libopenblas0-openmp` (without OpenBLAS it falls back to the reference BLAS, ~25× slower)' : '**not installed on this machine** (`apt-get install python3-torch libopenblas0-openmp`), so there is no comparison'}.

| preset | engine | threads | ms/step | train tok/s | % of PyTorch | gen ms/token | peak RSS MB | params |
|---|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

**Ours / PyTorch at \`paper\` (training tokens/s, ${threads} threads): ${ratio === undefined ? 'not measured' : `${ratio.toFixed(1)} %`}** — the target is ≥ 50 %.
`;
}
