import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentProgress } from '@agent-forge/core';
import { describe, expect, it } from 'vitest';
import { dashboardCommand } from '../src/commands/dashboard.js';
import { createProgram } from '../src/index.js';

describe('forge dashboard', () => {
  it('is a registered command with --runs and --port', () => {
    const command = createProgram({ print: () => undefined, progress: silentProgress }).commands.find((c) => c.name() === 'dashboard');
    expect(command?.options.map((o) => o.long)).toEqual(['--runs', '--port']);
  });

  it('serves on 127.0.0.1, prints the URL, answers the API and stops when told', async () => {
    const runsDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-dash-cmd-')), 'runs');
    const lines: string[] = [];
    let stop: () => void = () => undefined;
    const running = dashboardCommand({ runsDir, port: 0, print: (line) => lines.push(line), until: new Promise((resolve) => (stop = resolve)) });
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
    await expect(program.parseAsync(['node', 'forge', 'dashboard', '--port', '70000'])).rejects.toThrow(/expected a port 0–65535/);
  });
});
