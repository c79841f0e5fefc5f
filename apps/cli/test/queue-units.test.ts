// Work units over a real BullMQ queue on a throwaway redis-server, in this process: a failing unit is
// retried up to its attempts limit (bad input is not retried), finished units are not queued again, and a
// unit holding the event loop past half the lock is named. The whole pipeline over two `forge worker`
// processes (one SIGKILLed mid-unit) is queue.test.ts, in `pnpm test:e2e`.
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { ForgeError, Rng, Tracker, runUnits, silentProgress, unitKinds } from '@agent-forge/core';
import type { PhaseContext, WorkUnit } from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueExecutor } from '../src/queue/executor.js';
import { runQueueWorker } from '../src/queue/worker.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
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
  // Computes without yielding, as a unit's training step does, for `args.ms` of wall time.
  unitKinds.register({
    name: 'test.busy',
    displayName: 'holds the event loop (test kind)',
    referenceUrl: 'https://nodejs.org/api/perf_hooks.html#perf_hooksmonitoreventloopdelayoptions',
    run: (unit) => {
      const until = Date.now() + Number(unit.args.ms);
      while (Date.now() < until);
      return Promise.resolve({ held: unit.args.ms });
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

  it('retries a failing unit up to its attempts (bad input once), then fails the run; finished units are not queued again; a unit holding the loop past half the lock is named', async () => {
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'forge-queue-units-'));
    const executor = await openQueueExecutor({ url: redis.url, attempts: 2 });
    const printed: string[] = [];
    let stop: ((force: boolean) => void) | undefined;
    const worker = runQueueWorker({
      url: redis.url,
      backend: 'cpu',
      lockMs: 4000,
      stallCheckMs: 500,
      progress: silentProgress,
      print: (line) => printed.push(line),
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
      const deliveries = (): number => printed.filter((line) => /^unit [ab] started/.test(line)).length;
      const delivered = deliveries();
      await runUnits(ctx, [unit('a'), unit('b')], { label: 'again', parse });
      // Not queued at all (a worker would also skip a unit whose output exists, without running it).
      expect(deliveries()).toBe(delivered);
      expect([attempts.get('a'), attempts.get('b')]).toEqual([2, 2]);
      // 2.5 s without yielding, over half the 4 s lock: the worker says so and which --lock-ms to use.
      const busy: WorkUnit = {
        kind: 'test.busy',
        id: 'busy',
        seed: 11,
        args: { ms: 2500 },
        inputs: [],
        output: 'busy.json',
      };
      await runUnits(ctx, [busy], { label: 'busy', parse });
      const warning = printed.find((line) => line.startsWith('warning: unit busy held the event loop'));
      expect(warning, printed.join('\n')).toBeDefined();
      const [held, suggested] = (/for (\d+\.\d) s, .* --lock-ms (\d+) or more/.exec(warning ?? '') ?? [])
        .slice(1)
        .map(Number);
      expect(held, warning).toBeGreaterThanOrEqual(2.5);
      expect(suggested).toBeGreaterThanOrEqual(3 * 2500);
      expect(printed.find((line) => line.startsWith('unit busy finished'))).toMatch(/loop held ≤ \d+\.\d s/);
      expect(printed.filter((line) => /^warning: unit [ab] /.test(line))).toEqual([]);
    } finally {
      stop?.(false);
      await worker;
      await executor.close();
    }
  });
});
