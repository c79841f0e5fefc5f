import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentProgress } from '@agent-forge/core';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/index.js';

async function forge(...args: string[]): Promise<{ lines: string[]; error?: Error }> {
  const lines: string[] = [];
  const program = createProgram({ print: (line) => lines.push(line), progress: silentProgress });
  // Subcommands exist already, so each needs the override: commander only passes it on to later ones.
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({ writeOut: (s) => lines.push(s), writeErr: (s) => lines.push(s) });
  }
  try {
    await program.parseAsync(['node', 'forge', ...args]);
    return { lines };
  } catch (error) {
    return { lines, error: error as Error };
  }
}

describe('forge command line', () => {
  it('says plainly that no phase is implemented instead of pretending to run', async () => {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'forge-runs-'));
    const { lines, error } = await forge('run', '--preset', 'tiny', '--runs-dir', runsDir);
    expect(error).toBeUndefined();
    expect(lines.join('\n')).toMatch(/Nothing was run: the pipeline starts with cognate/);
  });

  it('rejects an unknown phase and a phase that is not implemented, by name', async () => {
    expect((await forge('phase', 'bogus')).error?.message).toMatch(/unknown phase 'bogus'/);
    expect((await forge('phase', 'baking')).error?.message).toMatch(/phase 'baking' is not implemented/);
  });

  it('rejects a bad flag value before doing any work', async () => {
    expect((await forge('run', '--preset', 'huge')).error?.message).toMatch(/Allowed choices are tiny, small, paper/);
    expect((await forge('run', '--seed', 'abc')).error?.message).toMatch(/expected an integer/);
  });

  it('lists runs (none yet)', async () => {
    const runsDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-runs-')), 'missing');
    expect((await forge('runs', '--runs-dir', runsDir)).lines.join('\n')).toMatch(/no runs yet/);
  });
});
