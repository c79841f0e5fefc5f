// Work units in this process: each runs once through its registered kind, its result lands in its output
// file, a rerun (a resumed phase) reads finished units back instead of running them, and bad units fail
// with errors naming the file or kind.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng, Tracker, runUnits, silentProgress, unitKinds } from '../../src/index.js';
import type { PhaseContext, WorkUnit } from '../../src/index.js';

const runs: string[] = [];
unitKinds.register({
  name: 'test.square',
  displayName: 'square a number (test kind)',
  referenceUrl: 'https://example.org/test-kind',
  run: (unit) => {
    runs.push(unit.id);
    const x = unit.args.x as number;
    return Promise.resolve({ square: x * x, draw: Rng.fromSeed(unit.seed).int(0, 1000) });
  },
});

function context(runDir: string): PhaseContext {
  return {
    runId: 'r',
    runDir,
    phaseDir: path.join(runDir, '01-cognate'),
    preset: 'tiny',
    seed: 1,
    rng: Rng.fromSeed(1),
    backend: 'cpu',
    tracker: Tracker.none(),
    progress: silentProgress,
    signal: new AbortController().signal,
    resuming: false,
  };
}

const unit = (x: number, extra: Partial<WorkUnit> = {}): WorkUnit => ({
  kind: 'test.square',
  id: `square/${x}`,
  seed: 7,
  args: { x },
  inputs: [],
  output: `01-cognate/units/${x}.json`,
  ...extra,
});
const parse = (result: unknown): { square: number; draw: number } => result as { square: number; draw: number };

describe('runUnits in process', () => {
  it('runs each unit once, in order, and a rerun reads finished outputs instead of running them again', async () => {
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'forge-units-'));
    runs.length = 0;
    const first = await runUnits(context(runDir), [unit(2), unit(3)], { label: 'squares', parse });
    expect(first.map((r) => r.square)).toEqual([4, 9]);
    expect(runs).toEqual(['square/2', 'square/3']);
    const stored = JSON.parse(readFileSync(path.join(runDir, '01-cognate/units/3.json'), 'utf8')) as unknown;
    expect(stored).toEqual({ kind: 'test.square', id: 'square/3', result: first[1] });

    runs.length = 0;
    const again = await runUnits(context(runDir), [unit(2), unit(3), unit(4)], { label: 'squares', parse });
    expect(runs).toEqual(['square/4']);
    expect(again).toEqual([...first, { square: 16, draw: first[0]?.draw }]);
  });

  it('refuses a missing input, an unknown kind and an output file of another unit, naming them', async () => {
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'forge-units-'));
    const ctx = context(runDir);
    await expect(runUnits(ctx, [unit(5, { inputs: ['00-none/model'] })], { label: 'x', parse })).rejects.toThrow(
      /00-none\/model: input of unit 'square\/5' is missing/,
    );
    await expect(runUnits(ctx, [unit(6, { kind: 'test.nothing' })], { label: 'x', parse })).rejects.toThrow(
      /unknown work unit kind 'test.nothing'/,
    );
    writeFileSync(path.join(runDir, 'other.json'), JSON.stringify({ kind: 'test.square', id: 'square/9', result: 81 }));
    await expect(runUnits(ctx, [unit(7, { output: 'other.json' })], { label: 'x', parse })).rejects.toThrow(
      /other\.json: holds the output of unit 'square\/9'/,
    );
  });
});
