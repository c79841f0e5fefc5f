// The `forge` entry point: exit codes and how errors reach the user (one line for bad input, a hint
// or the stack for a bug), through runForge and through bin.ts itself as installed.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ForgeError, silentProgress } from '@agent-forge/core';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgram } from '../src/index.js';
import { errorLines, runForge } from '../src/main.js';

const missingRunsDir = (): string => path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-entry-')), 'missing');

function capture(): { printed: string[]; errors: string[]; program: Command } {
  const printed: string[] = [];
  const errors: string[] = [];
  return { printed, errors, program: createProgram({ print: (line) => printed.push(line), progress: silentProgress }) };
}

describe('runForge', () => {
  it('returns 0 after a command that succeeds', async () => {
    const { printed, errors, program } = capture();
    const runsDir = missingRunsDir();
    expect(
      await runForge(['node', 'forge', 'runs', '--runs-dir', runsDir], program, {
        printError: (l) => errors.push(l),
        debug: false,
      }),
    ).toBe(0);
    expect(printed).toEqual([`no runs yet (${runsDir} does not exist)`]);
    expect(errors).toEqual([]);
  });

  it('prints bad input as one line and returns 1', async () => {
    const { errors, program } = capture();
    expect(
      await runForge(['node', 'forge', 'phase', 'bogus'], program, { printError: (l) => errors.push(l), debug: false }),
    ).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^forge: unknown phase 'bogus' \(phases: cognate, evomerge/);
  });

  it('shows a bug with a hint, or with its stack when debugging', async () => {
    const failing = (): Command =>
      new Command('forge').action(() => {
        throw new Error('boom');
      });
    const plain: string[] = [];
    expect(await runForge(['node', 'forge'], failing(), { printError: (l) => plain.push(l), debug: false })).toBe(1);
    expect(plain).toEqual(['forge: unexpected error: boom', '(set FORGE_DEBUG=1 to see the stack trace)']);
    const debug: string[] = [];
    await runForge(['node', 'forge'], failing(), { printError: (l) => debug.push(l), debug: true });
    expect(debug[0]).toBe('forge: unexpected error: boom');
    expect(debug[1]).toMatch(/^Error: boom\n\s+at /);
  });

  it('formats a thrown non-Error as text, and a ForgeError with its file and field', () => {
    expect(errorLines('weird', false)).toEqual(['forge: unexpected error: weird']);
    expect(errorLines(new ForgeError('bad value', { file: 'forge.yaml', field: 'seed' }), true)).toEqual([
      "forge: forge.yaml, field 'seed': bad value",
    ]);
  });
});

describe('bin.ts', () => {
  const argv = process.argv;
  afterEach(() => {
    process.argv = argv;
    process.exitCode = 0;
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('runs process.argv and leaves the exit code alone on success', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const runsDir = missingRunsDir();
    process.argv = ['node', 'forge', 'runs', '--runs-dir', runsDir];
    await import('../src/bin.js');
    expect(log).toHaveBeenCalledWith(`no runs yet (${runsDir} does not exist)`);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('prints a ForgeError on stderr and sets exit code 1', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    process.argv = ['node', 'forge', 'phase', 'bogus'];
    await import('../src/bin.js');
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/^forge: unknown phase 'bogus'/));
    expect(process.exitCode).toBe(1);
  });
});
