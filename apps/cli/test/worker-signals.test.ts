// `forge worker` as a real process (the built CLI plus a test unit kind, test/fixtures/ticking-worker.mjs)
// on a throwaway redis-server: it shows a unit's progress; a first SIGINT lets the current unit go on,
// a second stops it and the worker exits 0 with the unit back in the queue, waiting, no attempt used.
// The unit ticks for ~1000 s unless stopped, so the exit itself shows the stop was prompt.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkUnit } from '@agent-forge/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNIT_QUEUE, redisOptions } from '../src/queue/connection.js';
import { openQueueExecutor } from '../src/queue/executor.js';
import { jobIdOf } from '../src/queue/job-data.js';
import { queueStatus } from '../src/queue/status.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { quietUnitExecution } from './unit-execution.js';

const WORKER = fileURLToPath(new URL('./fixtures/ticking-worker.mjs', import.meta.url));

let redis: RedisServer;
let child: ChildProcess | undefined;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await redis?.stop();
});

/** Polls until `condition`; fails at once if the worker exits first, with its output. */
async function until(condition: () => boolean, what: string, output: () => string): Promise<void> {
  while (!condition()) {
    if (child?.exitCode !== null || child?.signalCode !== null)
      throw new Error(`the worker exited while waiting for ${what}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('forge worker and Ctrl-C', () => {
  it('shows the unit’s progress; SIGINT twice mid-unit exits 0 and returns the unit to the queue', async () => {
    const worker = spawn(
      process.execPath,
      [WORKER, 'worker', '--queue', redis.url, '--backend', 'cpu', '--threads', '1', '--lock-ms', '60000'],
      { env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } },
    );
    child = worker;
    let text = '';
    const output = (): string => text;
    worker.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const exit = new Promise<[number | null, string | null]>((resolve) =>
      worker.on('close', (code, signal) => resolve([code, signal])),
    );
    await until(() => text.includes('worker waiting for units'), 'the worker to start', output);

    const runDir = mkdtempSync(path.join(os.tmpdir(), 'forge-worker-signals-'));
    const unit: WorkUnit = {
      kind: 'test.ticks',
      id: 'ticking',
      seed: 1,
      args: { steps: 100_000 },
      inputs: [],
      output: 'ticking.json',
    };
    const executor = await openQueueExecutor({ url: redis.url, attempts: 3 });
    const queue = new Queue(UNIT_QUEUE, { connection: redisOptions(redis.url) });
    const sent = executor.execute([unit], quietUnitExecution(runDir));
    sent.catch(() => undefined); // never finishes here: the executor is closed below
    try {
      // The worker shows the unit and its progress as it runs.
      await until(() => /ticks: \d+\/100000/.test(text), 'a progress line', output);
      expect(text).toContain('unit ticking started (attempt 1 of 3)');

      worker.kill('SIGINT');
      await until(() => text.includes('stopping after the current unit'), 'the first Ctrl-C', output);
      // The unit goes on (a closing worker no longer counts as connected: it takes no new unit).
      expect(await queueStatus(redis.url)).toMatchObject({ active: 1, waiting: 0 });

      worker.kill('SIGINT');
      expect(await exit).toEqual([0, null]);
      expect(await queueStatus(redis.url)).toMatchObject({ workers: 0, waiting: 1, active: 0, failed: 0 });
      const job = await queue.getJob(jobIdOf(path.resolve(runDir), unit));
      expect(await job?.getState()).toBe('waiting');
      expect(job?.attemptsMade).toBe(0);
      expect(text).toContain('unit ticking stopped and returned to the queue');
      expect(text).toContain('worker stopped: 0 unit(s) finished, 0 failed attempt(s)');
    } finally {
      await queue.close();
      await executor.close();
    }
  });
});
