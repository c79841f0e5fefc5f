// `pnpm bench`: training tokens/s, ms/step, KV-cached decode ms/token, a whole-context forward and peak
// memory of the engine — with the native kernels, and with wasm's own — beside the same architecture in
// PyTorch, written to docs/benchmarks.md. A benchmark, not a test: numbers depend on the machine and
// its load, so the load average is printed beside them.
//   BENCH_PRESETS=tiny,small,paper,grokfast  BENCH_STEPS=3  BENCH_ROUNDS=3  BENCH_CPU=1 (add the slow pure-JS backend)
//   BENCH_PHASES=0 (leave out the phase benchmarks: a quick check of the engine table alone)
// Each round measures every preset on both engines and PyTorch within minutes of each other; the table holds
// each configuration's median over the rounds, and the summary the spread of the per-round ratios (this
// VM's speed drifts by up to 50 % between runs minutes apart, on both sides).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_BATCH, BENCH_MODELS } from './bench-models.mjs';
import { torchEnv } from './torch-env.mjs';

const here = import.meta.dirname;
const repo = path.resolve(here, '../..');
const presets = (process.env.BENCH_PRESETS ?? 'tiny,small,paper,grokfast').split(',');
const steps = Number(process.env.BENCH_STEPS ?? 3);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const threads = Math.max(1, os.cpus().length);
const loadAtStart = os.loadavg();

function runJson(command, args, env = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, ...env } });
  const line = result.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (result.status !== 0 || !line) {
    console.error(`bench: ${command} ${args.join(' ')} failed:\n${result.stderr.slice(-2000)}`);
    return { error: (result.stderr.trim().split('\n').pop() ?? 'failed').slice(0, 200) };
  }
  const parsed = JSON.parse(line);
  console.error(
    `bench: ${parsed.backend} ${args[1] ?? ''} threads=${parsed.threads}: ${parsed.msPerStep?.toFixed(0)} ms/step (${((Date.now() - started) / 1000).toFixed(0)} s, load ${os.loadavg()[0].toFixed(2)})`,
  );
  return parsed;
}

function torchAvailable() {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

const trainBench = path.join(here, 'train-bench.mjs');
const ENGINE_RUNS = [
  { label: 'native kernels', env: { FORGE_NATIVE_KERNELS: '1' }, threads },
  { label: 'native kernels', env: { FORGE_NATIVE_KERNELS: '1' }, threads: 1 },
  { label: 'wasm kernels only', env: { FORGE_NATIVE_KERNELS: '0' }, threads },
];
// The wasm-only fallback is measured in the first round alone: it is reported, not compared.
function measureEngines(preset, round) {
  const measured = [];
  for (const run of ENGINE_RUNS.filter((r) => round === 0 || r.env.FORGE_NATIVE_KERNELS !== '0')) {
    measured.push({
      preset,
      round,
      label: run.label,
      ...runJson(process.execPath, [trainBench, 'wasm', preset, String(steps), String(run.threads), '1'], run.env),
    });
  }
  if (process.env.BENCH_CPU === '1' && preset === 'tiny' && round === 0) {
    measured.push({
      preset,
      round,
      label: 'pure JS',
      ...runJson(process.execPath, [trainBench, 'cpu', preset, '1', '1', '0']),
    });
  }
  return measured;
}
// PyTorch at its best: this machine's environment pins OpenBLAS to its Haswell (AVX2) kernels
// (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE, a guard for old OpenBLAS builds), so it runs with them and with
// both unset, on all threads and on one (OpenMP's spinning threads lose badly when the cores are shared).
// The fastest run whose float64 check passed is the anchor.
const torch = torchAvailable();
const unpinned = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OPENBLAS_')));
function measureTorch(preset, round) {
  const measured = [];
  for (const torchThreads of [...new Set([threads, 1])]) {
    const args = [
      path.join(here, 'torch_tinytitan.py'),
      JSON.stringify(BENCH_MODELS[preset]),
      String(BENCH_BATCH[preset]),
      String(steps + 2),
      String(torchThreads),
      '2',
    ];
    measured.push({ round, label: 'pinned env', ...runJson('/usr/bin/python3', args, torchEnv()) });
    measured.push({ round, ...spawnSyncJson(args, torchEnv(unpinned)) });
  }
  return measured;
}

const engineMeasured = [];
const torchMeasured = Object.fromEntries(presets.map((preset) => [preset, []]));
for (let round = 0; round < rounds; round++) {
  console.error(`bench: round ${round + 1} of ${rounds} (load ${os.loadavg()[0].toFixed(2)})`);
  for (const preset of presets) {
    engineMeasured.push(...measureEngines(preset, round));
    if (torch) torchMeasured[preset].push(...measureTorch(preset, round));
  }
}
const engineRuns = medianRuns(engineMeasured, (r) => `${r.preset}|${r.label}|${r.threads}`);
const torchRuns = Object.fromEntries(
  presets.map((preset) => [preset, medianRuns(torchMeasured[preset], (r) => `${r.label}|${r.threads}`)]),
);

/** One row per configuration: the median of each timing over the rounds, the largest memory figures. */
function medianRuns(measured, keyOf) {
  const groups = new Map();
  for (const run of measured) {
    const key = run.error ? `${keyOf(run)}|failed` : keyOf(run);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    if (group[0].error) return group[0];
    const median = (field) => {
      const values = group.map((r) => r[field]).filter((x) => typeof x === 'number' && Number.isFinite(x));
      if (!values.length) return undefined;
      const sorted = values.sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    };
    const max = (field) => Math.max(...group.map((r) => r[field] ?? -Infinity));
    const msPerStep = group.map((r) => r.msPerStep);
    return {
      ...group[0],
      rounds: group.length,
      msPerStep: median('msPerStep'),
      msPerStepRange: [Math.min(...msPerStep), Math.max(...msPerStep)],
      // From the median step time, so the two columns agree when the rounds are even in number.
      tokensPerSecond: (group[0].tokensPerSecond * group[0].msPerStep) / median('msPerStep'),
      generateMsPerToken: median('generateMsPerToken'),
      forwardMs: median('forwardMs'),
      peakRssMb: max('peakRssMb'),
      wasmHeapMb: max('wasmHeapMb'),
      float64MaxError: max('float64MaxError'),
    };
  });
}

function spawnSyncJson(args, env) {
  const result = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', maxBuffer: 1 << 24, env });
  const line = result.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (result.status !== 0 || !line)
    return { label: 'OPENBLAS_* unset', error: (result.stderr.trim().split('\n').pop() ?? 'failed').slice(0, 200) };
  const parsed = JSON.parse(line);
  console.error(
    `bench: torch (OPENBLAS_* unset) threads=${parsed.threads}: ${parsed.msPerStep?.toFixed(0)} ms/step (load ${os.loadavg()[0].toFixed(2)})`,
  );
  return { label: 'OPENBLAS_* unset', ...parsed };
}

/** Per round: ours at its best against PyTorch at its best, measured minutes apart, in percent. */
function roundRatios(preset) {
  const fastest = (runs) => runs.sort((a, b) => b.tokensPerSecond - a.tokensPerSecond)[0];
  const ratios = [];
  for (let round = 0; round < rounds; round++) {
    const ours = fastest(
      engineMeasured.filter(
        (r) => r.preset === preset && r.round === round && r.label === 'native kernels' && !r.error,
      ),
    );
    const theirs = fastest(
      (torchMeasured[preset] ?? []).filter((r) => r.round === round && !r.error && r.float64MaxError < 1e-4),
    );
    if (ours && theirs) ratios.push((100 * ours.tokensPerSecond) / theirs.tokensPerSecond);
  }
  return ratios;
}

/** The PyTorch run to compare with: the faster whose float32 products agree with float64. */
function torchAnchor(preset) {
  const runs = (torchRuns[preset] ?? []).filter((r) => !r.error && r.float64MaxError < 1e-4);
  return runs.sort((a, b) => b.tokensPerSecond - a.tokensPerSecond)[0];
}

// Phase benchmarks: each prints plain lines; they go into the file verbatim, with their command.
const PHASE_BENCHES = [
  {
    title: 'bitnet: ternary share and sizes (small)',
    script: 'packages/bitnet/bench/bitnet-bench.mjs',
    args: ['small'],
  },
  {
    title: 'bitnet: ternary share and sizes (paper)',
    script: 'packages/bitnet/bench/bitnet-bench.mjs',
    args: ['paper'],
  },
  {
    title: 'edge: packed ternary vs float (small)',
    script: 'packages/edge/bench/edge-bench.mjs',
    args: ['small'],
  },
  {
    title: 'edge: packed ternary vs float (paper)',
    script: 'packages/edge/bench/edge-bench.mjs',
    args: ['paper'],
  },
  {
    title: 'edge: packed ternary vs float, wasm kernels only (paper)',
    script: 'packages/edge/bench/edge-bench.mjs',
    args: ['paper'],
    env: { FORGE_NATIVE_KERNELS: '0' },
  },
  {
    title: 'packed size by embedding quantization (paper)',
    script: 'tooling/bench/ternary-size.mjs',
    args: ['paper'],
  },
  {
    title: 'chat/serve runtimes: ours, llama.cpp, onnxruntime (paper)',
    script: 'apps/cli/bench/runtime-bench.mjs',
    args: ['paper'],
  },
];
const phaseBenches = process.env.BENCH_PHASES === '0' ? [] : PHASE_BENCHES;
const phaseSections = phaseBenches
  .filter((bench) => existsSync(path.join(repo, bench.script)))
  .map((bench) => {
    const result = spawnSync(process.execPath, [path.join(repo, bench.script), ...bench.args], {
      encoding: 'utf8',
      cwd: repo,
      env: { ...process.env, ...bench.env },
    });
    const output = result.status === 0 ? result.stdout.trim() : `failed: ${result.stderr.trim().split('\n').pop()}`;
    console.error(`bench: ${bench.title} done`);
    const env = Object.entries(bench.env ?? {})
      .map(([key, value]) => `${key}=${value} `)
      .join('');
    return `### ${bench.title}\n\n\`${env}node ${bench.script} ${bench.args.join(' ')}\`\n\n\`\`\`\n${output}\n\`\`\`\n`;
  });
const profilePreset = presets.includes('paper') ? 'paper' : presets[0];
const profiled = spawnSync(process.execPath, [path.join(here, 'profile.mjs'), profilePreset, 'wasm'], {
  encoding: 'utf8',
});
const loadAtEnd = os.loadavg();
const profileTable =
  profiled.status === 0 ? profiled.stdout.trim() : `profile failed: ${profiled.stderr.trim().split('\n').pop()}`;
// Figures that take too long to re-measure on every bench run (evolution, Grokfast, whole phases)
// live below this marker with their commands; the bench keeps them as they are.
const HAND_MARKER = '<!-- measured-by-hand: kept by pnpm bench -->';
const benchmarksFile = path.join(repo, 'docs/benchmarks.md');
const previous = existsSync(benchmarksFile) ? readFileSync(benchmarksFile, 'utf8') : '';
const handMeasured = previous.includes(HAND_MARKER) ? previous.slice(previous.indexOf(HAND_MARKER)) : HAND_MARKER;
writeFileSync(
  benchmarksFile,
  `${render(engineRuns, torch)}
## Where the time goes

One forward + backward at \`${profilePreset}\` under \`tf.profile\` (tooling/bench/profile.mjs), kernels by total time:

${profileTable}

Analysis and what would move these numbers: [performance.md](performance.md).

## Phases

${phaseSections.join('\n')}
${handMeasured}
`,
);
console.error('bench: wrote docs/benchmarks.md');

function render(runs, hasTorch) {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const tfjs = JSON.parse(
    readFileSync(path.join(repo, 'packages/core/node_modules/@tensorflow/tfjs-core/package.json'), 'utf8'),
  ).version;
  const fmt = (x, d = 0) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
  const ms = (run) =>
    run.rounds > 1
      ? `${fmt(run.msPerStep)} (${fmt(run.msPerStepRange[0])}–${fmt(run.msPerStepRange[1])})`
      : fmt(run.msPerStep);
  const rows = [];
  const ratios = [];
  for (const preset of presets) {
    const anchor = torchAnchor(preset);
    const pct = (run) =>
      anchor && !run.error ? `${fmt((100 * run.tokensPerSecond) / anchor.tokensPerSecond, 1)} %` : '–';
    for (const run of runs.filter((r) => r.preset === preset)) {
      const name = run.error
        ? `${run.label} (failed: ${run.error})`
        : `tfjs ${run.backend}${run.simd ? ' SIMD' : ''}, ${run.label}${run.nativeKernels === false && run.label.startsWith('native') ? ' (NOT ACTIVE)' : ''}`;
      rows.push(
        `| ${preset} | ${name} | ${run.threads ?? '–'} | ${run.microBatch ?? '–'} | ${ms(run)} | ${fmt(run.tokensPerSecond)} | ${pct(run)} | ${fmt(run.generateMsPerToken, 1)} | ${fmt(run.forwardMs, 1)} | ${fmt(run.peakRssMb)} | ${fmt(run.wasmHeapMb)} |`,
      );
    }
    for (const run of torchRuns[preset] ?? []) {
      const name = run.error
        ? `PyTorch, ${run.label} (failed: ${run.error})`
        : `PyTorch ${run.torch} (OpenBLAS ${run.blasCore}, ${run.label}${run === anchor ? ', **anchor**' : ''})`;
      rows.push(
        `| ${preset} | ${name} | ${run.threads ?? '–'} | – | ${ms(run)} | ${fmt(run.tokensPerSecond)} | ${pct(run)} | ${fmt(run.generateMsPerToken, 1)} | ${fmt(run.forwardMs, 1)} | ${fmt(run.peakRssMb)} | – |`,
      );
    }
    const best = runs
      .filter((r) => r.preset === preset && r.label === 'native kernels' && !r.error)
      .sort((a, b) => b.tokensPerSecond - a.tokensPerSecond)[0];
    const perRound = roundRatios(preset);
    const spread =
      perRound.length > 1 ? `; per round ${fmt(Math.min(...perRound), 1)}–${fmt(Math.max(...perRound), 1)} %` : '';
    if (best && anchor)
      ratios.push(
        `${preset} ${fmt((100 * best.tokensPerSecond) / anchor.tokensPerSecond, 1)} % (${best.threads} vs ${anchor.threads} threads${spread})`,
      );
  }
  return `# Benchmarks

Written by \`pnpm bench\` (tooling/bench/run.mjs) on ${new Date().toISOString().slice(0, 10)}. Speed and memory are
benchmarks, never test assertions: they depend on the machine and on what else it is doing.
Load average (1 min) at the start ${loadAtStart[0].toFixed(2)}, at the end ${loadAtEnd[0].toFixed(2)}.

- Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; TensorFlow.js ${tfjs}.
- Engine: the wasm backend, with the native kernels (\`@agent-forge/native-kernels\`: matrix products,
  AdamW, the cross-entropy, tanh/sigmoid/exp in C++ with Eigen on the wasm heap) and without them
  (\`FORGE_NATIVE_KERNELS=0\`: wasm's own kernels, the fallback on a machine with no compiler).
- Training: the core training loop (AdamW, clipping, micro-batching from its 1.5 GiB budget) on random tokens;
  batch × context = ${presets.map((p) => `${p} ${BENCH_BATCH[p]} × ${BENCH_MODELS[p].contextLength}`).join(', ')};
  median ms/step over ${steps} timed steps after 1 warm-up step. Every figure is the median over ${rounds} rounds (ms/step:
  median, then the rounds' range); a round measures every preset on both engines and PyTorch in turn (the
  wasm-only fallback in the first round alone). \`grokfast\` is the Grokfast paper's model
  (2 layers, width 128, 4 heads, LayerNorm, GELU, learned positions, untied head, x·y mod 97 vocabulary).
- Decode: batch 1, greedy, KV cache, prompt = half the context, ms per new token after the prefill.
  Forward: batch 1, the whole context in one pass, no gradient, median of 5.
- Peak RSS: the whole benchmark process (\`process.resourceUsage().maxRSS\`, Python's \`ru_maxrss\`); wasm heap:
  its size at the end (it never shrinks, so it is the peak; the limit is 4 GiB).
- PyTorch: ${hasTorch ? "the same architecture (tooling/bench/torch_tinytitan.py) with the same config and batch, Debian's `python3-torch` with `libopenblas0-openmp` (put first on `LD_LIBRARY_PATH` by tooling/bench/torch-env.mjs: the alternatives link picks the pthreads build, whose threads and torch's OpenMP pool oversubscribe the cores), run with this machine's `OPENBLAS_CORETYPE`/`OPENBLAS_L2_SIZE` (AVX2 Haswell kernels) and with both unset (OpenBLAS picks its own kernels), each checked against float64 on a 512² product, on all threads and on one; the fastest is the anchor of the % column" : '**not installed on this machine** (`apt-get install python3-torch libopenblas0-openmp`), so there is no comparison'}.

| preset | engine | threads | micro-batch | ms/step | train tok/s | % of PyTorch | decode ms/token | forward ms | peak RSS MB | wasm heap MB |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

**Training tokens/s, ours at its best (native kernels, the faster thread count) / PyTorch at its best (the anchor), medians over the rounds, with the range of the per-round ratios: ${ratios.length ? ratios.join(' · ') : 'not measured'}.**
`;
}
