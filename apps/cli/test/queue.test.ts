// Work units over a real BullMQ queue on a throwaway redis-server: two `forge worker` processes take a
// baking run's bakes, one is SIGKILLed in the middle of a unit, BullMQ's stalled-job check hands that unit
// to the other, and the run ends with exactly the in-process run's adapters and metrics. Then, in this
// process: a failing unit is retried up to its attempts limit (bad input is not retried), and finished
// units are not queued again.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ForgeError,
  Rng,
  TinyTitan,
  Tracker,
  formatProblem,
  generateProblems,
  runUnits,
  saveModelCheckpoint,
  silentProgress,
  trainBpe,
  unitKinds,
  useBackend,
} from '@agent-forge/core';
import type { PhaseContext, WorkUnit } from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueExecutor } from '../src/queue/executor.js';
import { runQueueWorker } from '../src/queue/worker.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
// Short locks, so a killed worker's unit is handed on within seconds (the defaults are a minute); not
// shorter, or a busy machine's stalls between two lock renewals would pass for a dead worker.
const WORKER_FLAGS = ['--backend', 'cpu', '--lock-ms', '4000', '--stall-check-ms', '500', '-q'];
// One persona and the calculator tool: two bakes of a 9k-parameter model, a few seconds each.
const BAKING = {
  personas: Object.fromEntries(
    ['reasoning', 'memory', 'code', 'translation', 'summarization', 'qa', 'creative', 'general', 'pirate']
      .map((name) => [name, null as string | null])
      .concat([['math', '<|persona_2|>Be exact.']]),
  ),
  steps: 6,
  batchSize: 4,
  trajectories: 8,
  heldOutInputs: 4,
  inputTokens: 6,
  maxNewTokens: 6,
  latencyInputs: 1,
  rank: 2,
  alpha: 2,
  mergePersona: null,
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
};

interface Running {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function forge(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  children.push(child);
  return { child, output: () => output, exit };
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
/** What a baking run produced that must not depend on where its units ran: file hashes and non-timing metrics. */
function bakingOutcome(output: string): Record<string, unknown> {
  const runDir = /run \S+ finished: (\S+)/.exec(output)?.[1];
  if (!runDir) throw new Error(`the run did not finish:\n${output.slice(-3000)}`);
  const phaseDir = path.join(runDir, '06-baking');
  const adapters = path.join(phaseDir, 'model', 'adapters');
  const result = JSON.parse(readFileSync(path.join(phaseDir, 'result.json'), 'utf8')) as {
    metrics: Record<string, number>;
  };
  return {
    model: sha(path.join(phaseDir, 'model', 'model.safetensors')),
    adapters: Object.fromEntries(readdirSync(adapters).map((name) => [name, sha(path.join(adapters, name))])),
    metrics: Object.fromEntries(Object.entries(result.metrics).filter(([name]) => !/latency/i.test(name))),
  };
}

function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

let redis: RedisServer;
let root: string;
const children: ChildProcess[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
  root = mkdtempSync(path.join(os.tmpdir(), 'forge-queue-'));
  await useBackend('cpu');
  const texts = generateProblems({ count: 200, seed: 1, difficulty: 2 }).map((p) => formatProblem(p).text);
  const tokenizer = trainBpe(texts, { vocabSize: 320 });
  const model = new TinyTitan({ vocabSize: tokenizer.vocabSize, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 48 });
  await saveModelCheckpoint(path.join(root, 'input'), { model, tokenizer });
  model.dispose();
  writeFileSync(path.join(root, 'forge.yaml'), JSON.stringify({ phases: { baking: BAKING } }));
});
afterAll(async () => {
  killAll();
  await redis?.stop();
});

const runArgs = (runsDir: string): string[] => [
  'run',
  '--from',
  'baking',
  '--to',
  'baking',
  '--input',
  path.join(root, 'input'),
  '-c',
  path.join(root, 'forge.yaml'),
  '--runs-dir',
  path.join(root, runsDir),
  '--backend',
  'cpu',
];

describe('forge worker over a redis queue', () => {
  it('finishes a run with the in-process results after one of two workers is SIGKILLed mid-unit', async () => {
    try {
      const workers = [
        forge(['worker', '--queue', redis.url, ...WORKER_FLAGS]),
        forge(['worker', '--queue', redis.url, ...WORKER_FLAGS]),
      ];
      const reference = forge(runArgs('in-process'));
      expect(await reference.exit, reference.output()).toBe(0);
      await until(() => workers.every((w) => w.output().includes('worker waiting for units')), 'both workers');

      const queued = forge([...runArgs('queued'), '--queue', redis.url]);
      let killed: { worker: Running; unit: string } | undefined;
      await until(() => {
        const worker = workers.find((w) => /unit (\S+) started/.test(w.output()));
        if (worker) killed = { worker, unit: /unit (\S+) started/.exec(worker.output())?.[1] ?? '' };
        return killed !== undefined;
      }, 'a unit to start');
      killed?.worker.child.kill('SIGKILL');
      const survivor = workers.find((w) => w !== killed?.worker) as Running;

      expect(await queued.exit, queued.output()).toBe(0);
      // The killed worker never finished its unit; the survivor took it over once the lock lapsed.
      expect(killed?.worker.output()).not.toMatch(new RegExp(`unit ${killed?.unit} finished`));
      expect(survivor.output()).toMatch(new RegExp(`unit ${killed?.unit} started`));
      expect(bakingOutcome(queued.output())).toEqual(bakingOutcome(reference.output()));

      const info = forge(['info', '--queue', redis.url, '--backend', 'cpu', '--json']);
      expect(await info.exit, info.output()).toBe(0);
      const queue = (JSON.parse(info.output()) as { queue: Record<string, number> }).queue;
      expect(queue).toMatchObject({ workers: 1, waiting: 0, active: 0, failed: 0, completed: 2 });

      survivor.child.kill('SIGINT');
      expect(await survivor.exit).toBe(0);
      expect(survivor.output()).toMatch(/worker stopped: \d unit\(s\) finished/);
    } finally {
      // A failed assertion must not leave workers running: they would take the next test's units.
      killAll();
    }
  }, 90_000);
});

describe('queued units in this process', () => {
  const attempts = new Map<string, number>();
  unitKinds.register({
    name: 'test.flaky',
    displayName: 'fails its first attempt (test kind)',
    referenceUrl: 'https://docs.bullmq.io/guide/retrying-failing-jobs',
    run: (unit) => {
      const made = (attempts.get(unit.id) ?? 0) + 1;
      attempts.set(unit.id, made);
      if (unit.args.badInput === true) return Promise.reject(new ForgeError('not a setting', { field: 'x' }));
      if (unit.args.alwaysFail === true || made === 1) return Promise.reject(new Error(`attempt ${made} broke`));
      return Promise.resolve({ seed: unit.seed, made });
    },
  });
  const unit = (id: string, args: { alwaysFail?: boolean; badInput?: boolean } = {}): WorkUnit => ({
    kind: 'test.flaky',
    id,
    seed: 11,
    args,
    inputs: [],
    output: `units/${id}.json`,
  });

  it('retries a failing unit up to its attempts (bad input once), then fails the run; finished units are not queued again', async () => {
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'forge-queue-units-'));
    const executor = await openQueueExecutor({ url: redis.url, attempts: 2 });
    let stop: ((force: boolean) => void) | undefined;
    const worker = runQueueWorker({
      url: redis.url,
      backend: 'cpu',
      lockMs: 4000,
      stallCheckMs: 500,
      progress: silentProgress,
      print: () => undefined,
      stopRequests: (onStop) => (stop = onStop),
    });
    const ctx: PhaseContext = {
      runId: 'r',
      runDir,
      phaseDir: runDir,
      preset: 'tiny',
      seed: 11,
      rng: Rng.fromSeed(11),
      backend: 'cpu',
      tracker: Tracker.none(),
      progress: silentProgress,
      signal: new AbortController().signal,
      resuming: false,
      units: executor,
    };
    const parse = (result: unknown): unknown => result;
    try {
      expect(await runUnits(ctx, [unit('a'), unit('b')], { label: 'flaky', parse })).toEqual([
        { seed: 11, made: 2 },
        { seed: 11, made: 2 },
      ]);
      await expect(runUnits(ctx, [unit('c', { alwaysFail: true })], { label: 'broken', parse })).rejects.toThrow(
        /unit 'c' failed on the queue: attempt 2 broke/,
      );
      expect(attempts.get('c')).toBe(2);
      // Bad input fails alike on every attempt: BullMQ is told not to retry it.
      await expect(runUnits(ctx, [unit('d', { badInput: true })], { label: 'bad', parse })).rejects.toThrow(
        /unit 'd' failed on the queue: field 'x': not a setting/,
      );
      expect(attempts.get('d')).toBe(1);
      await runUnits(ctx, [unit('a'), unit('b')], { label: 'again', parse });
      expect([attempts.get('a'), attempts.get('b')]).toEqual([2, 2]);
    } finally {
      stop?.(false);
      await worker;
      await executor.close();
    }
  }, 30_000);
});
