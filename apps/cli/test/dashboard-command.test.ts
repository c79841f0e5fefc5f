import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PIPELINE_FILE, silentProgress } from '@agent-forge/core';
import { describe, expect, it, vi } from 'vitest';
import { dashboardCommand } from '../src/commands/dashboard.js';
import { createProgram } from '../src/index.js';

// vi.waitFor needs a finite limit (setTimeout turns Infinity into 1 ms): the largest one, i.e. none; a hang is
// stopped by CI's job limit, never by a clock a busy machine can run out.
const NO_TIME_LIMIT = 2 ** 31 - 1;

describe('forge dashboard', () => {
  it('is a registered command with --runs, --port and --queue', () => {
    const command = createProgram({ print: () => undefined, progress: silentProgress }).commands.find(
      (c) => c.name() === 'dashboard',
    );
    expect(command?.options.map((o) => o.long)).toEqual(['--runs', '--port', '--queue']);
  });

  it('serves on 127.0.0.1, prints the URL, answers the API and stops when told', async () => {
    const runsDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-dash-cmd-')), 'runs');
    const lines: string[] = [];
    let stop: () => void = () => undefined;
    const running = dashboardCommand({
      runsDir,
      port: 0,
      print: (line) => lines.push(line),
      until: new Promise((resolve) => (stop = resolve)),
    });
    while (lines.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(lines[0] ?? '')?.[0] ?? '';
    expect(url).not.toBe('');
    expect(await (await fetch(`${url}api/runs`)).json()).toEqual([]);
    expect((await fetch(`${url}nothing-here`)).status).toBe(404);
    stop();
    const dashboard = await running;
    await expect(fetch(`${url}api/runs`)).rejects.toThrow();
    expect(dashboard.port).toBeGreaterThan(0);
  });

  it('rejects a port out of range', async () => {
    const program = createProgram({ print: () => undefined, progress: silentProgress });
    program.exitOverride();
    for (const command of program.commands) command.exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(program.parseAsync(['node', 'forge', 'dashboard', '--port', '70000'])).rejects.toThrow(
      /expected a port 0–65535/,
    );
  });

  it('runs as `forge dashboard` until SIGINT, and lists only the runs it can read', async () => {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'forge-dash-cmd-'));
    // A run being created (half-written pipeline.json) is left out, not an error for the whole list.
    mkdirSync(path.join(runsDir, 'half-written'));
    writeFileSync(path.join(runsDir, 'half-written', PIPELINE_FILE), '{"version": 1, "runId": ');
    const lines: string[] = [];
    const signals = new EventEmitter();
    const running = createProgram({ print: (line) => lines.push(line), progress: silentProgress, signals }).parseAsync([
      'node',
      'forge',
      'dashboard',
      '--runs',
      runsDir,
      '--port',
      '0',
    ]);
    await vi.waitFor(() => expect(lines).toHaveLength(1), { timeout: NO_TIME_LIMIT, interval: 20 });
    expect(lines[0]?.startsWith(`dashboard for ${runsDir}: `)).toBe(true);
    expect(lines[0]).toMatch(/: http:\/\/127\.0\.0\.1:\d+\/ \(Ctrl-C stops it\)$/);
    const url = /(http:\S+)/.exec(lines[0] ?? '')?.[1] ?? '';
    expect(await (await fetch(`${url}api/runs`)).json()).toEqual([]);
    signals.emit('SIGINT');
    await running;
    await expect(fetch(`${url}api/runs`)).rejects.toThrow();
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });
});
