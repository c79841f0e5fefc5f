// What it measures: for each preset, the wall time of the cognate phase and of the evomerge search (and
// its whole phase), run three ways on this machine — in the `forge run` process, then over a local
// redis-server with 1 and with 2 `forge worker` processes — every process on one wasm thread, effects and control off.
// Columns: `phase wall s` is the phase's own `durationMs` (result.json: what the queue can speed up),
// `search s` evomerge's `searchSeconds` metric (the fitness evaluations the workers share), `command
// wall s` the whole `forge run` from spawn to exit (engine start, data, checkpoints). Workers are started
// and have loaded the engine before the clock starts. Load average (1 min) is taken before and after
// each run: with other work on the machine the figures are not the benchmark.
// A benchmark, not a test: run it by hand on an otherwise idle machine.
//   node apps/cli/bench/queue-bench.mjs [presets, default tiny,small]
// Needs a build (`pnpm build`) and Debian's redis-server.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../dist/bin.js');
const presets = (process.argv[2] ?? 'tiny,small').split(',');
const COMMON = ['--backend', 'wasm', '--threads', '1', '--quiet'];
const load1 = () => os.loadavg()[0];

async function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Spawns `command` and resolves once its output contains `ready`; rejects if it exits or stays silent. */
function startUntil(command, args, ready, what) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} not ready within 120 s:\n${output.slice(-2000)}`)),
      120_000,
    );
    const onData = (chunk) => {
      output = (output + chunk.toString()).slice(-20_000);
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error(`${command} is not installed`) : error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (code ${code}) before it was ready:\n${output.slice(-2000)}`));
    });
  });
}

/** Runs `forge args…` to its end (asynchronously: the workers' output keeps being read meanwhile). */
function forge(args) {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-5000)));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`forge ${args.join(' ')} failed (code ${code}):\n${stderr}`));
      resolve({ seconds: (performance.now() - started) / 1000, output: stdout });
    });
  });
}

const startWorkers = (url, count) =>
  Promise.all(
    Array.from({ length: count }, (_, i) =>
      startUntil(
        process.execPath,
        [BIN, 'worker', '--queue', url, ...COMMON],
        'worker waiting for units',
        `worker ${i + 1}`,
      ),
    ),
  );

async function stopWorkers(workers) {
  await Promise.all(
    workers.map((worker) =>
      worker.exitCode !== null || worker.signalCode !== null
        ? undefined
        : new Promise((resolve) => (worker.once('exit', resolve), worker.kill('SIGINT'))),
    ),
  );
}

function phaseResult(output, phase) {
  const runDir = /run \S+ finished: (\S+)/.exec(output)?.[1];
  if (!runDir) throw new Error(`no 'run … finished: <dir>' line in forge's output:\n${output.slice(-2000)}`);
  const dir = path.join(
    runDir,
    readdirSync(runDir).find((name) => name.endsWith(phase)),
  );
  const result = JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8'));
  return { dir, phase: result.durationMs / 1000, search: result.metrics?.searchSeconds };
}

/** One phase's timings: in this process, then with 1 and 2 workers; `args` runs just that phase. */
async function measure(label, args, url) {
  const rows = [];
  for (const workers of [0, 1, 2]) {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'queue-bench-'));
    const started = workers > 0 ? await startWorkers(url, workers) : [];
    try {
      const loadBefore = load1();
      const queue = workers > 0 ? ['--queue', url] : [];
      const run = await forge([...args, ...COMMON, '--no-effects', '--no-control', '--runs-dir', runsDir, ...queue]);
      const result = phaseResult(run.output, label);
      rows.push({ label, workers, wall: run.seconds, ...result, loadBefore, loadAfter: load1() });
      console.error(`${label} ${workers ? `${workers} worker(s)` : 'in-process'}: phase ${result.phase.toFixed(1)} s`);
    } finally {
      await stopWorkers(started);
    }
  }
  return rows;
}

function printTable(table, seconds) {
  const loads = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(
    `cores ${os.cpus().length}; load average (1, 5, 15 min) at the end ${loads}; bench wall ${seconds.toFixed(0)} s\n`,
  );
  console.log('| preset | phase | units run | phase wall s | search s | command wall s | load 1 min before → after |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of table) {
    const where = row.workers === 0 ? 'in this process' : `${row.workers} worker(s)`;
    const search = row.search === undefined ? '' : row.search.toFixed(1);
    console.log(
      `| ${row.preset} | ${row.label} | ${where} | ${row.phase.toFixed(1)} | ${search} | ${row.wall.toFixed(1)} | ${row.loadBefore.toFixed(2)} → ${row.loadAfter.toFixed(2)} |`,
    );
  }
}

const benchStarted = performance.now();
const port = await freePort();
const redisArgs = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
const redis = await startUntil('redis-server', redisArgs, 'Ready to accept connections', 'redis-server');
const url = `redis://127.0.0.1:${port}`;
const table = [];
try {
  for (const preset of presets) {
    const cognate = await measure('cognate', ['run', '--preset', preset, '--to', 'cognate'], url);
    table.push(...cognate.map((row) => ({ preset, ...row })));
    const input = cognate[0].dir;
    const evomerge = await measure(
      'evomerge',
      ['run', '--preset', preset, '--from', 'evomerge', '--to', 'evomerge', '--input', input],
      url,
    );
    table.push(...evomerge.map((row) => ({ preset, ...row })));
  }
} finally {
  redis.kill('SIGTERM');
}
printTable(table, (performance.now() - benchStarted) / 1000);
