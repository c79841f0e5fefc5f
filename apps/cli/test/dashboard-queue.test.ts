// The dashboard's queue panel against a real redis-server: units sent by `forge run`'s queue executor
// to one `forge worker` (in this process), left in known states — three finished, two failed, one running,
// four waiting — and the panel (and its HTTP endpoint) shows exactly those counts and the worker.
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentProgress, unitKinds, writePipelineState } from '@agent-forge/core';
import type { WorkUnit } from '@agent-forge/core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readQueuePanel } from '../src/dashboard/queue-panel.js';
import { startDashboard } from '../src/dashboard/server.js';
import { openQueueExecutor } from '../src/queue/executor.js';
import { readRunQueue } from '../src/queue/run-record.js';
import { runQueueWorker } from '../src/queue/worker.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { quietUnitExecution } from './unit-execution.js';

// vi.waitFor needs a finite limit: the largest one, i.e. none (a hang is stopped by CI's job limit).
const NO_TIME_LIMIT = 2 ** 31 - 1;
// As in dashboard.test.ts: the page is checked in Debian's chromium; in CI a missing one fails the test.
const CHROMIUM = process.env.FORGE_CHROMIUM ?? '/usr/bin/chromium';
const checkPage = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!checkPage) console.warn(`queue panel page check left out: no chromium at ${CHROMIUM}; in CI it runs`);

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

let release: () => void = () => undefined;
const held = new Promise<void>((resolve) => (release = resolve));
unitKinds.register({
  name: 'test.panel',
  displayName: 'finishes, fails or waits to be released (test kind)',
  referenceUrl: 'https://docs.bullmq.io/guide/jobs',
  run: async (unit) => {
    if (unit.args.fail === true) throw new Error('meant to fail');
    if (unit.args.hold === true) await held;
    return { id: unit.id };
  },
});

/** A run directory the dashboard lists: pipeline.json with one pending phase. */
async function listedRun(runsDir: string, runId: string): Promise<void> {
  const now = new Date().toISOString();
  await writePipelineState(path.join(runsDir, runId), {
    version: 1,
    runId,
    createdAt: now,
    updatedAt: now,
    preset: 'tiny',
    seed: 1,
    phaseConfigs: {},
    input: null,
    phases: [{ name: 'cognate', dir: '01-cognate', status: 'pending' }],
  });
}

/** The queue panel as the page draws it for each run: its rows, or null while it is hidden. */
async function panelsOnPage(url: string, runIds: readonly string[]): Promise<Array<string[][] | null>> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const panels: Array<string[][] | null> = [];
    for (const runId of runIds) {
      await page.goto(`${url}?run=${runId}`);
      await page.waitForFunction('window.forgeDashboard.queue !== undefined');
      const rows = await page.locator('#queue-table tr').all();
      const hidden = await page.locator('#queue').isHidden();
      panels.push(hidden ? null : await Promise.all(rows.map((row) => row.locator('td').allTextContents())));
    }
    return panels;
  } finally {
    await browser.close();
  }
}

const unit = (id: string, args: Record<string, boolean> = {}): WorkUnit => ({
  kind: 'test.panel',
  id,
  seed: 1,
  args,
  inputs: [],
  output: `units/${id}.json`,
});

describe('dashboard queue panel', () => {
  it('shows the workers connected and the units waiting, running, failed and completed of a run that used the queue', async () => {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'forge-dash-queue-'));
    const runDir = path.join(runsDir, 'queued-run');
    const execution = quietUnitExecution(runDir);
    const executor = await openQueueExecutor({ url: redis.url, attempts: 1 });
    const printed: string[] = [];
    let stop: ((force: boolean) => void) | undefined;
    const worker = runQueueWorker({
      url: redis.url,
      backend: 'cpu',
      lockMs: 30_000,
      stallCheckMs: 30_000,
      progress: silentProgress,
      print: (line) => printed.push(line),
      stopRequests: (onStop) => (stop = onStop),
    });
    const dashboard = await startDashboard({ runsDir, port: 0 });
    let rest: Promise<void> | undefined;
    try {
      // A run that sent no unit yet has no panel.
      expect(await readQueuePanel(runsDir, 'queued-run')).toBeNull();
      // A different count in every state, so no two can be mistaken for each other.
      await executor.execute([unit('done1'), unit('done2'), unit('done3')], execution);
      await expect(executor.execute([unit('broken1', { fail: true })], execution)).rejects.toThrow(/meant to fail/);
      await expect(executor.execute([unit('broken2', { fail: true })], execution)).rejects.toThrow(/meant to fail/);
      // One worker, one unit at a time: 'held' runs, the four after it wait.
      const waiting = ['w1', 'w2', 'w3', 'w4'].map((id) => unit(id));
      rest = executor.execute([unit('held', { hold: true }), ...waiting], execution);
      await vi.waitFor(() => expect(printed).toContain('unit held started (attempt 1 of 1)'), {
        timeout: NO_TIME_LIMIT,
      });
      const panel = await readQueuePanel(runsDir, 'queued-run');
      expect(panel).toEqual({
        url: redis.url,
        status: { url: redis.url, workers: 1, waiting: 4, active: 1, failed: 2, completed: 3 },
      });
      // The page reads the same panel from the server; a run without queue.json has none.
      expect(await (await fetch(`${dashboard.url}api/runs/queued-run/queue`)).json()).toEqual(panel);
      expect(await (await fetch(`${dashboard.url}api/runs/plain-run/queue`)).json()).toBeNull();
      expect((await fetch(`${dashboard.url}api/runs/..%2Fx/queue`)).status).toBe(404);
      if (checkPage) {
        await Promise.all([listedRun(runsDir, 'queued-run'), listedRun(runsDir, 'plain-run')]);
        expect(await panelsOnPage(dashboard.url, ['queued-run', 'plain-run'])).toEqual([
          [
            ['workers connected', '1'],
            ['units waiting', '4'],
            ['units running', '1'],
            ['units failed', '2'],
            ['units completed (last hour)', '3'],
          ],
          null,
        ]);
      }
    } finally {
      release();
      await rest;
      stop?.(false);
      await worker;
      await executor.close();
      await dashboard.close();
    }
    expect(readRunQueue(runDir)).toMatchObject({ url: redis.url, queue: 'forge-units' });
  });

  it('says why when the queue the run recorded cannot be reached, naming it', async () => {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'forge-dash-queue-'));
    const gone = await startRedisServer();
    const executor = await openQueueExecutor({ url: gone.url, attempts: 1 });
    const runDir = path.join(runsDir, 'old-run');
    // Recorded on the first units sent; none is taken here, the server then goes away.
    const sent = executor.execute([unit('never')], quietUnitExecution(runDir, AbortSignal.abort()));
    await expect(sent).rejects.toThrow(/interrupted/);
    await executor.close();
    await gone.stop();
    const panel = await readQueuePanel(runsDir, 'old-run', undefined, 1000);
    expect(panel?.url).toBe(gone.url);
    expect(panel?.status).toBeUndefined();
    expect(panel?.error).toMatch(new RegExp(`field '--queue': cannot reach the queue at ${gone.url}`));
  });
});
