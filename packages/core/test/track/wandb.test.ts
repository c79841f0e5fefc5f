import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tracker, WANDB_DIR, WANDB_HISTORY_FILE, createWandbSink } from '../../src/index.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'forge-wandb-'));

function logSomething(tracker: Tracker): void {
  tracker.config('bitnet', { lr: 0.01 });
  tracker.metrics('bitnet', 1, { loss: 3.5, lr: 0.01 });
  tracker.metrics('bitnet', 2, { loss: 3 });
  tracker.event('phase_finished', { durationMs: 5 }, 'bitnet');
  tracker.metrics('forge-train', 1, { loss: 2.75 });
}

const filesDirOf = (runDir: string): string => {
  const [dir] = readdirSync(path.join(runDir, WANDB_DIR));
  return path.join(runDir, WANDB_DIR, dir ?? '', 'files');
};

/** Records what a W&B server would receive; answers like the GraphQL and file_stream endpoints. */
async function fakeWandb(): Promise<{
  url: string;
  requests: Array<{ url: string; auth: string; body: Record<string, unknown> }>;
  close: () => void;
}> {
  const requests: Array<{ url: string; auth: string; body: Record<string, unknown> }> = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      requests.push({
        url: req.url ?? '',
        auth: req.headers.authorization ?? '',
        body: JSON.parse(text) as Record<string, unknown>,
      });
      res.setHeader('content-type', 'application/json');
      res.end(
        req.url === '/graphql'
          ? JSON.stringify({
              data: {
                upsertBucket: {
                  bucket: { id: 'x', name: 'r', project: { name: 'agent-forge', entity: { name: 'me' } } },
                },
              },
            })
          : '{}',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => server.close() };
}

describe('W&B sink', () => {
  it('without an API key writes an offline run: one history row per phase step with a global _step', async () => {
    const runDir = tmp();
    const tracker = new Tracker([createWandbSink({ runDir, runId: '20261125-0930-ab12' })]);
    logSomething(tracker);
    await tracker.close();
    const [dir] = readdirSync(path.join(runDir, WANDB_DIR));
    expect(dir).toMatch(/^offline-run-\d{8}_\d{6}-20261125-0930-ab12$/);
    const files = filesDirOf(runDir);
    const rows = readFileSync(path.join(files, WANDB_HISTORY_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows.map(({ _timestamp: _t, _runtime: _r, ...rest }) => rest)).toEqual([
      { _step: 0, 'bitnet/step': 1, 'bitnet/loss': 3.5, 'bitnet/lr': 0.01 },
      { _step: 1, 'bitnet/step': 2, 'bitnet/loss': 3 },
      { _step: 2, 'forge-train/step': 1, 'forge-train/loss': 2.75 },
    ]);
    expect(JSON.parse(readFileSync(path.join(files, 'wandb-summary.json'), 'utf8'))).toEqual({
      'bitnet/loss': 3,
      'bitnet/lr': 0.01,
      'forge-train/loss': 2.75,
    });
    expect(JSON.parse(readFileSync(path.join(files, 'config.json'), 'utf8'))).toEqual({
      bitnet: { value: { lr: 0.01 } },
    });
    expect(readFileSync(path.join(files, 'forge-events.jsonl'), 'utf8')).toContain('"phase_finished"');
  });

  it('with an API key streams the same rows over the HTTP API (against a local stand-in server)', async () => {
    const server = await fakeWandb();
    try {
      const runDir = tmp();
      const tracker = new Tracker([
        createWandbSink({ runDir, runId: 'R1', apiKey: 'k3y', baseUrl: server.url, flushIntervalMs: 5 }),
      ]);
      logSomething(tracker);
      await tracker.close();
      expect(server.requests[0]?.url).toBe('/graphql');
      expect(server.requests[0]?.auth).toBe(`Basic ${Buffer.from('api:k3y').toString('base64')}`);
      const streamed = server.requests.filter((r) => r.url === '/files/me/agent-forge/r1/file_stream');
      const history = streamed.flatMap(
        (r) =>
          (r.body.files as Record<string, { offset: number; content: string[] }> | undefined)?.[WANDB_HISTORY_FILE]
            ?.content ?? [],
      );
      const local = readFileSync(path.join(filesDirOf(runDir), WANDB_HISTORY_FILE), 'utf8')
        .trim()
        .split('\n');
      expect(history).toEqual(local);
      expect(streamed.at(-1)?.body).toEqual({ complete: true, exitcode: 0 });
      const configs = server.requests
        .filter((r) => r.url === '/graphql')
        .map((r) => (r.body.variables as { config?: string }).config);
      expect(configs).toContain(JSON.stringify({ bitnet: { value: { lr: 0.01 } } }));
    } finally {
      server.close();
    }
  });

  it('an unreachable server warns once and never fails the run; the local copy is complete', async () => {
    const runDir = tmp();
    const warnings: string[] = [];
    const tracker = new Tracker([
      createWandbSink({
        runDir,
        runId: 'r',
        apiKey: 'k',
        baseUrl: 'http://127.0.0.1:9',
        warn: (m) => warnings.push(m),
        flushIntervalMs: 1,
      }),
    ]);
    logSomething(tracker);
    await expect(tracker.close()).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^wandb: upload stopped/);
    expect(
      readFileSync(path.join(filesDirOf(runDir), WANDB_HISTORY_FILE), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(3);
  });

  it('is registered as a sink and chooses offline mode when WANDB_API_KEY is unset', async () => {
    const runDir = tmp();
    const saved = process.env.WANDB_API_KEY;
    delete process.env.WANDB_API_KEY;
    try {
      const tracker = await Tracker.open(['wandb'], { runDir, runId: 'r' });
      tracker.metric('p', 1, 'loss', 1);
      await tracker.close();
      expect(readdirSync(path.join(runDir, WANDB_DIR))[0]).toMatch(/^offline-run-/);
    } finally {
      if (saved !== undefined) process.env.WANDB_API_KEY = saved;
    }
  });
});
