// Work units over a real BullMQ queue on a throwaway redis-server: a shrunk `tiny` pipeline (cognate to
// baking, every phase that hands out units) runs once in-process and once with two `forge worker`
// processes; one worker is SIGKILLed in the middle of a cognate variant (training, its output not yet
// written), BullMQ's stalled-job check hands that unit to the other, and the run ends with exactly the
// in-process run's checkpoints and non-timing metrics in every phase. Part of `pnpm test:e2e`; the
// in-process queue tests (retries, no re-queueing, the lock warning) are queue-units.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPipelineState } from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from './redis-server.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
// Short locks, so a killed worker's unit is handed on within seconds (the defaults are a minute); not
// shorter, or a busy machine's stalls between two lock renewals would pass for a dead worker.
const WORKER_FLAGS = ['--backend', 'cpu', '--threads', '1', '--lock-ms', '4000', '--stall-check-ms', '500'];
// A 27k-parameter model and a handful of steps, evaluations and problems in every phase: the point is
// where the units run, not what they learn. Quietstar, bitnet and forge-train hand out no units; they
// run (as small as they go) because baking's bakes start from their model.
const MICRO = { vocabSize: 320, dModel: 16, nLayers: 2, nHeads: 2, contextLength: 48 };
const EVAL = { evalWindows: 1, evalProblems: 0, maxNewTokens: 2 };
const TINY_PIPELINE = {
  preset: 'tiny',
  seed: 7,
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
  phases: {
    cognate: {
      ...EVAL,
      model: MICRO,
      steps: 3,
      specialistSteps: 3,
      batchSize: 4,
      curriculumProblems: 40,
      skillEvalProblems: 2,
      chunkSize: 4,
      capacityScale: 1 / 256,
      logEvery: 1,
    },
    // Generation 0 and one bred generation: each is one batch of fitness units.
    evomerge: { ...EVAL, generations: 1, populationSize: 4, elites: 1, searchProblems: 2, testProblems: 2 },
    quietstar: { ...EVAL, steps: 1, batchSize: 1, thoughtLength: 1, nTrue: 1, thoughtPositions: 4, latencyTokens: 0 },
    bitnet: { ...EVAL, steps: 1, batchSize: 2 },
    'forge-train': { ...EVAL, steps: 2, batchSize: 2, evalEvery: 2 },
    // Two bakes: one persona (the others dropped) and the calculator tool.
    baking: {
      personas: Object.fromEntries(
        ['reasoning', 'memory', 'code', 'translation', 'summarization', 'qa', 'creative', 'general', 'pirate']
          .map((name) => [name, null as string | null])
          .concat([['math', '<|persona_2|>Be exact.']]),
      ),
      steps: 2,
      batchSize: 4,
      trajectories: 4,
      heldOutInputs: 2,
      inputTokens: 6,
      maxNewTokens: 6,
      latencyInputs: 1,
      rank: 2,
      alpha: 2,
      mergePersona: null,
    },
  },
};
// Phases whose units go to the queue, and the run's later phases, which start from their models.
const PHASES = ['cognate', 'evomerge', 'quietstar', 'bitnet', 'forge-train', 'baking'];
// Generous bounds on the waits that would otherwise hang silently (the test itself has no time limit).
const WORKERS_READY_MS = 120_000;
const RUN_FINISHED_MS = 900_000;

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

const exited = (running: Running): boolean => running.child.exitCode !== null || running.child.signalCode !== null;

/**
 * Polls `condition`; fails at once when one of `watched` exits first (with its output), and after
 * `boundMs` only when given: for a wait that would otherwise hang without a word.
 */
async function until(
  condition: () => boolean,
  what: string,
  watched: readonly Running[],
  boundMs = Number.POSITIVE_INFINITY,
): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    const gone = watched.find(exited);
    if (gone) throw new Error(`exited while waiting for ${what}:\n${gone.output().slice(-3000)}`);
    if (Date.now() - started > boundMs) throw new Error(`no ${what} after ${boundMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `running`'s exit code; fails after `boundMs` with the outputs of `shown` (a queue that never drains is silent). */
async function exitOf(running: Running, boundMs: number, shown: readonly Running[]): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const outputs = shown.map((r) => r.output().slice(-2000)).join('\n-----\n');
      reject(new Error(`the run did not finish within ${boundMs / 1000} s:\n${outputs}`));
    }, boundMs);
  });
  try {
    return await Promise.race([running.exit, bound]);
  } finally {
    clearTimeout(timer);
  }
}

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
// Wall-clock and memory figures differ from run to run; everything else a phase reports must not.
const TIMING_METRIC = /(^|\.)ms[A-Z]|Ms([A-Z]|$)|latency|Seconds$|peakMemory/;

/**
 * What each phase of a finished run produced that must not depend on where its units ran: the hash of
 * every checkpoint file (result.json aside: it holds timings) and the non-timing metrics.
 */
function runOutcome(output: string): Record<string, unknown> {
  const runDir = /run \S+ finished: (\S+)/.exec(output)?.[1];
  if (!runDir) throw new Error(`the run did not finish:\n${output.slice(-3000)}`);
  const state = readPipelineState(runDir);
  expect(state.phases.map((phase) => [phase.name, phase.status])).toEqual(PHASES.map((name) => [name, 'done']));
  return Object.fromEntries(
    state.phases.map((phase) => {
      const models = (phase.result?.models ?? []).map((model) => {
        const files = Object.keys(phase.hashes?.[model.dir] ?? {}).filter((file) => file !== 'result.json');
        return { role: model.role, files: Object.fromEntries(files.map((f) => [f, sha(path.join(model.dir, f))])) };
      });
      const metrics = Object.entries(phase.result?.metrics ?? {}).filter(([name]) => !TIMING_METRIC.test(name));
      return [phase.name, { models, metrics: Object.fromEntries(metrics) }];
    }),
  );
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
  writeFileSync(path.join(root, 'forge.yaml'), JSON.stringify(TINY_PIPELINE));
});
afterAll(async () => {
  killAll();
  await redis?.stop();
});

const runArgs = (runsDir: string): string[] => [
  'run',
  '--to',
  'baking',
  '-c',
  path.join(root, 'forge.yaml'),
  '--runs-dir',
  path.join(root, runsDir),
  '--backend',
  'cpu',
  '--threads',
  '1',
  '--no-effects',
  '--no-control',
];

/** SIGKILLs the first worker that reports a training step of a unit, and returns it with that unit's id. */
async function killMidUnit(workers: Running[], watched: Running[]): Promise<{ worker: Running; unit: string }> {
  let killed: { worker: Running; unit: string } | undefined;
  await until(
    () => {
      for (const worker of workers) {
        const unit = [...worker.output().matchAll(/unit (\S+) started/g)].at(-1)?.[1];
        const since = unit ? worker.output().slice(worker.output().lastIndexOf(`unit ${unit} started`)) : '';
        if (unit && /training: [1-9]\d*\//.test(since)) killed = { worker, unit };
      }
      return killed !== undefined;
    },
    'a unit to train a step',
    watched,
  );
  killed?.worker.child.kill('SIGKILL');
  await killed?.worker.exit;
  return killed as { worker: Running; unit: string };
}

describe('forge worker over a redis queue', () => {
  it('runs a tiny pipeline to the in-process results after one of two workers is SIGKILLed mid-unit', async () => {
    try {
      const workers = [
        forge(['worker', '--queue', redis.url, ...WORKER_FLAGS]),
        forge(['worker', '--queue', redis.url, ...WORKER_FLAGS]),
      ];
      await until(
        () => workers.every((w) => w.output().includes('worker waiting for units')),
        'both workers waiting',
        workers,
        WORKERS_READY_MS,
      );
      // The in-process run goes alongside: the same work, on the other core of an idle machine.
      const reference = forge(runArgs('in-process'));
      const queued = forge([...runArgs('queued'), '--queue', redis.url]);
      const killed = await killMidUnit(workers, [queued, ...workers]);
      // The kill landed in a cognate variant, before it wrote its output.
      expect(killed.unit).toMatch(/^cognate\//);
      const runDir = path.join(root, 'queued', readdirSync(path.join(root, 'queued'))[0] ?? '');
      expect(existsSync(path.join(runDir, '01-cognate', 'units', `${killed.unit.slice('cognate/'.length)}.json`))).toBe(
        false,
      );
      const survivor = workers.find((w) => w !== killed.worker) as Running;

      expect(await exitOf(queued, RUN_FINISHED_MS, [queued, survivor]), queued.output()).toBe(0);
      expect(await exitOf(reference, RUN_FINISHED_MS, [reference]), reference.output()).toBe(0);
      // The killed worker never finished its unit; the survivor took it over once the lock lapsed.
      expect(killed.worker.output()).not.toMatch(new RegExp(`unit ${killed.unit} finished`));
      expect(survivor.output()).toMatch(new RegExp(`unit ${killed.unit} started`));
      // Every phase that hands out units handed some to the survivor.
      for (const kind of ['cognate', 'evomerge', 'baking'])
        expect(survivor.output(), kind).toMatch(new RegExp(`unit ${kind}/\\S+ finished`));
      const queuedOutcome = runOutcome(queued.output());
      const referenceOutcome = runOutcome(reference.output());
      for (const phase of PHASES) expect(queuedOutcome[phase], phase).toEqual(referenceOutcome[phase]);

      const info = forge(['info', '--queue', redis.url, '--backend', 'cpu', '--json']);
      expect(await info.exit, info.output()).toBe(0);
      const queue = (JSON.parse(info.output()) as { queue: Record<string, number> }).queue;
      const finished = workers.map((w) => [...w.output().matchAll(/unit \S+ finished/g)].length);
      expect(queue).toMatchObject({
        workers: 1,
        waiting: 0,
        active: 0,
        failed: 0,
        completed: finished[0]! + finished[1]!,
      });

      survivor.child.kill('SIGINT');
      expect(await survivor.exit).toBe(0);
      expect(survivor.output()).toMatch(/worker stopped: \d+ unit\(s\) finished/);
    } finally {
      // A failed assertion must not leave workers running: they would take the next test's units.
      killAll();
    }
  });
});
