// Wall time of cognate and of the evomerge search in this process, and over a local redis-server with
// 1 and 2 `forge worker` processes (one wasm thread each). A benchmark, not a test: run it by hand on an
// otherwise idle machine; the load average is printed beside the numbers.
//   node apps/cli/bench/queue-bench.mjs [presets, default tiny,small]
// Needs a build (`pnpm build`) and Debian's redis-server.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../dist/bin.js');
const presets = (process.argv[2] ?? 'tiny,small').split(',');
const COMMON = ['--backend', 'wasm', '--threads', '1', '--quiet'];

async function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function forge(args) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`forge ${args.join(' ')} failed:\n${result.stderr.slice(-3000)}`);
  return { seconds: (Date.now() - started) / 1000, output: result.stdout };
}

function startWorkers(url, count) {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, [BIN, 'worker', '--queue', url, ...COMMON], { stdio: 'ignore' }),
  );
}

async function stopWorkers(workers) {
  await Promise.all(
    workers.map((worker) => new Promise((resolve) => (worker.once('exit', resolve), worker.kill('SIGINT')))),
  );
}

const phaseDir = (output, phase) => {
  const runDir = /run \S+ finished: (\S+)/.exec(output)?.[1];
  return path.join(
    runDir,
    readdirSync(runDir).find((name) => name.endsWith(phase)),
  );
};
const phaseSeconds = (dir) => JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')).durationMs / 1000;

/** One phase's timings: in this process, then with 1 and 2 workers; `args` runs just that phase. */
async function measure(label, args, url) {
  const rows = [];
  for (const workers of [0, 1, 2]) {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'queue-bench-'));
    const started = startWorkers(url, workers);
    // Let the workers load the engine before the clock starts.
    if (workers > 0) await new Promise((resolve) => setTimeout(resolve, 5000));
    const queue = workers > 0 ? ['--queue', url] : [];
    const run = forge([...args, ...COMMON, '--runs-dir', runsDir, ...queue]);
    await stopWorkers(started);
    const dir = phaseDir(run.output, label);
    rows.push({ label, workers, wall: run.seconds, phase: phaseSeconds(dir), dir, load: os.loadavg()[0] });
    console.error(
      `${label} ${workers ? `${workers} worker(s)` : 'in-process'}: phase ${phaseSeconds(dir).toFixed(1)} s`,
    );
  }
  return rows;
}

const port = await freePort();
const redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await new Promise((resolve) => setTimeout(resolve, 500));
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
console.log(
  `cores ${os.cpus().length}, load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
console.log('| preset | phase | units run | phase wall s | command wall s | load (1 min) |');
console.log('|---|---|---|---|---|---|');
for (const row of table) {
  const where = row.workers === 0 ? 'in this process' : `${row.workers} worker(s)`;
  console.log(
    `| ${row.preset} | ${row.label} | ${where} | ${row.phase.toFixed(1)} | ${row.wall.toFixed(1)} | ${row.load.toFixed(2)} |`,
  );
}
