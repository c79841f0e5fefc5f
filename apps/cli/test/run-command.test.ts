// `forge run`, `forge phase` and `forge runs` around the pipeline: what they print, refuse and list.
// The phases are small stand-ins that report given numbers (this test's inputs), so the CLI's own
// logic is what runs; the real phases are exercised in program.test.ts and phase-command.test.ts.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend, readPhaseResult, readPipelineState, runPipeline, silentProgress } from '@agent-forge/core';
import type { Phase, PhaseName } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { phaseCommand } from '../src/commands/phase.js';
import { runCommand } from '../src/commands/run.js';
import { createProgram, loadPipelineConfig } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

const tempDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'forge-run-cmd-'));

/** A phase that writes a 2 KiB model and reports the given accuracy; `calls` records each run. */
function reporting(name: PhaseName, accuracy: number, calls: string[] = []): Phase {
  return {
    name,
    description: 'reports a given accuracy',
    configSchema: z.object({}),
    run: async (_input, _config, ctx) => {
      calls.push(name);
      const dir = path.join(ctx.phaseDir, 'model');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(2048));
      // Long enough that the duration the runner stamps shows in the summary as more than 0.0 s.
      await new Promise((resolve) => setTimeout(resolve, 120));
      return {
        models: [{ dir, role: name === 'bitnet' ? 'deployable' : 'reasoning', params: 1234, bytes: 2048 }],
        metrics: { accuracy, perplexity: 3.5, steps: 3 },
      };
    },
  };
}

async function run(options: Partial<Parameters<typeof runCommand>[0]> & { runsDir: string }): Promise<string[]> {
  const lines: string[] = [];
  // These phases write placeholder files, not models: nothing to measure after the run.
  const config = loadPipelineConfig({
    flags: { backend: 'cpu', runsDir: options.runsDir },
    overrides: ['effects.enabled=false'],
  });
  await runCommand({ config, progress: silentProgress, print: (line) => lines.push(line), ...options });
  return lines;
}

describe('forge run', () => {
  it('prints each phase, the summary table, the alert for an accuracy drop and the final model', async () => {
    const runsDir = tempDir();
    const calls: string[] = [];
    const registered = [reporting('cognate', 0.5, calls), reporting('bitnet', 0.25, calls)];
    const lines = await run({ runsDir, registered });
    const runId = /^run (\S+) finished: (.+)$/.exec(lines[0] ?? '')?.[1] ?? '';
    expect(lines[0]).toBe(`run ${runId} finished: ${path.join(runsDir, runId)}`);
    expect(lines.slice(1, 3)).toEqual([
      '  01-cognate  done  accuracy=0.5000 perplexity=3.500 steps=3',
      '  04-bitnet  done  accuracy=0.2500 perplexity=3.500 steps=3',
    ]);
    const { durationMs } = readPhaseResult(path.join(runsDir, runId, '01-cognate'));
    expect(durationMs).toBeGreaterThanOrEqual(100);
    const seconds = (durationMs / 1000).toFixed(1).replace('.', '\\.');
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^cognate\\s+done\\s+${seconds} s\\s+1,234\\s+2\\.0 KiB\\s+3\\.50\\s+0\\.500$`)),
    );
    expect(lines).toContain(
      'ALERT: accuracy dropped 50.0% from cognate (0.5000) to bitnet (0.2500), more than the allowed 20%',
    );
    expect(lines.at(-1)).toBe(`\nfinal model (deployable): ${path.join(runsDir, runId, '04-bitnet', 'model')}`);
    expect(calls).toEqual(['cognate', 'bitnet']);

    // --resume of a finished run reuses both results: nothing runs again, the same model is reported.
    const resumed = await run({ runsDir, registered, resume: runId, from: 'bitnet' });
    expect(calls).toEqual(['cognate', 'bitnet']);
    expect(resumed.at(-1)).toBe(lines.at(-1));
  });

  it('refuses a slice that starts after cognate without --input, before any work', async () => {
    const runsDir = path.join(tempDir(), 'runs');
    const lines: string[] = [];
    const program = createProgram({ print: (line) => lines.push(line), progress: silentProgress });
    await expect(
      program.parseAsync(['node', 'forge', 'run', '--from', 'bitnet', '--runs-dir', runsDir]),
    ).rejects.toThrow(/field 'input': a pipeline that starts at 'bitnet' needs a model: pass --input <dir>/);
    expect(lines).toEqual([]);
  });

  it('says why nothing runs when the implemented phases do not start with cognate', async () => {
    const runsDir = tempDir();
    expect(await run({ runsDir, registered: [reporting('bitnet', 0.5)] })).toEqual([
      'Nothing was run: the pipeline starts with cognate, which this version does not implement yet; the implemented phases (bitnet) run alone: forge phase <name> --input <phase dir>.',
      'See `forge info` for the phases this version implements.',
    ]);
    expect((await run({ runsDir, registered: [] }))[0]).toBe(
      'Nothing was run: no phase is implemented in this version yet, so the pipeline is empty.',
    );
  });

  it('does not call a run with no phases finished', async () => {
    await expect(run({ runsDir: tempDir(), phases: [] })).rejects.toThrow(/run \S+ did not finish/);
  });
});

describe('forge phase', () => {
  it('names the implemented phases when asked for one this version lacks', async () => {
    const options = { config: loadPipelineConfig({ flags: {} }), progress: silentProgress, print: () => undefined };
    await expect(phaseCommand({ ...options, name: 'edge', registered: [reporting('cognate', 1)] })).rejects.toThrow(
      "phase 'edge' is not implemented in this version (available: cognate)",
    );
    await expect(phaseCommand({ ...options, name: 'edge', registered: [] })).rejects.toThrow('(available: none yet)');
  });
});

describe('forge runs', () => {
  async function forgeRuns(runsDir: string): Promise<string[]> {
    const lines: string[] = [];
    await createProgram({ print: (line) => lines.push(line), progress: silentProgress }).parseAsync([
      'node',
      'forge',
      'runs',
      '--runs-dir',
      runsDir,
    ]);
    return lines;
  }

  it('lists each run newest id first with its preset, seed and phase states, skipping other folders', async () => {
    const runsDir = tempDir();
    expect(await forgeRuns(runsDir)).toEqual([`no runs in ${runsDir}`]);
    await runPipeline({ phases: [reporting('cognate', 0.5)], runsDir, runId: '20260101-000000-aaaa', seed: 7 });
    await runPipeline({
      phases: [reporting('cognate', 0.5), reporting('bitnet', 0.5)],
      runsDir,
      runId: '20260102-000000-bbbb',
      preset: 'small',
      seed: 3,
    });
    mkdirSync(path.join(runsDir, 'not-a-run'));
    expect(await forgeRuns(runsDir)).toEqual([
      '20260102-000000-bbbb  preset=small seed=3  cognate:done bitnet:done',
      '20260101-000000-aaaa  preset=tiny seed=7  cognate:done',
    ]);
    expect(readPipelineState(path.join(runsDir, '20260101-000000-aaaa')).phases[0]?.status).toBe('done');
  });
});
