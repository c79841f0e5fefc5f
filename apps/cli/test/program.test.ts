import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentProgress } from '@agent-forge/core';
import { describe, expect, it } from 'vitest';
import { REGISTERED_PHASES, createProgram } from '../src/index.js';
import { pipelineGap } from '../src/phases.js';

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
  it('runs the implemented phases as one pipeline and prints each phase with its metrics', async () => {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'forge-runs-'));
    const short = [
      '--set',
      'phases.cognate.steps=2',
      '--set',
      'phases.cognate.specialistSteps=2',
      '--set',
      'phases.cognate.evalProblems=1',
      '--set',
      'phases.bitnet.steps=2',
      '--set',
      'phases.bitnet.evalProblems=1',
    ];
    // The evaluations at their smallest and no effects table: this test checks that the phases run in order
    // and report, not what they measure (each phase's own tests do that, effects.test.ts the table).
    const smallEvaluations = [
      'cognate.evalWindows=1',
      'cognate.maxNewTokens=2',
      'cognate.skillEvalProblems=1',
      'cognate.curriculumProblems=20',
      'evomerge.populationSize=4',
      'evomerge.searchProblems=1',
      'evomerge.testProblems=1',
      'evomerge.testWindows=1',
      'evomerge.reportProblems=0',
      'evomerge.evalWindows=1',
      'evomerge.evalProblems=0',
      'evomerge.maxNewTokens=2',
      'quietstar.evalWindows=1',
      'quietstar.evalProblems=0',
      'quietstar.maxNewTokens=2',
      'quietstar.latencyTokens=0',
      'quietstar.batchSize=1',
      'bitnet.evalWindows=1',
      'bitnet.maxNewTokens=2',
    ].flatMap((setting) => ['--set', `phases.${setting}`]);
    const { lines, error } = await forge(
      'run',
      '--preset',
      'tiny',
      '--runs-dir',
      runsDir,
      '-q',
      '--to',
      'bitnet',
      '--set',
      'phases.evomerge.generations=1',
      '--set',
      'phases.quietstar.steps=1',
      '--no-effects',
      ...short,
      ...smallEvaluations,
    );
    expect(error).toBeUndefined();
    const output = lines.join('\n');
    expect(output).toMatch(/run \S+ finished/);
    expect(output).toMatch(/01-cognate\s+done/);
    expect(output).toMatch(/bitnet\s+done .*packedSizeRatio|bitnet\s+done/);
  });

  it('refuses a pipeline that does not start with cognate, naming what is missing', () => {
    expect(pipelineGap([])).toMatch(/no phase is implemented/);
    expect(pipelineGap(REGISTERED_PHASES.slice(1))).toMatch(/starts with cognate/);
    expect(REGISTERED_PHASES.map((phase) => phase.name)).toEqual([
      'cognate',
      'evomerge',
      'quietstar',
      'bitnet',
      'forge-train',
      'baking',
      'edge',
      'compression',
    ]);
    expect(pipelineGap(REGISTERED_PHASES)).toBeUndefined();
  });

  it('rejects an unknown phase by name', async () => {
    expect((await forge('phase', 'bogus')).error?.message).toMatch(/unknown phase 'bogus'/);
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
