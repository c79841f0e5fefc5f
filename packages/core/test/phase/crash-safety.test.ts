import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  explainFsError,
  hashDirectory,
  readPipelineState,
  recoverInterruptedReplace,
  replaceDirectory,
  runPipeline,
  writeFileAtomic,
} from '../../src/index.js';
import type { Phase, PhaseName, PhaseResult } from '../../src/index.js';

/** A phase that writes one model directory holding `value` and counts how often it ran. */
function modelPhase(name: PhaseName, runs: string[]): Phase<{ add: number }> {
  return {
    name,
    description: `test phase ${name}`,
    configSchema: z.object({ add: z.number().default(1) }),
    async run(input: PhaseResult | null, config, ctx) {
      runs.push(name);
      const value = (input?.metrics.value ?? 0) + config.add;
      const dir = path.join(ctx.phaseDir, 'model');
      await replaceDirectory(dir, async (staging) => writeFileAtomic(path.join(staging, 'weights.txt'), String(value)));
      return {
        phase: name,
        runId: ctx.runId,
        startedAt: 'now',
        durationMs: 1,
        models: [{ dir, role: 'm', params: 1, bytes: 1 }],
        metrics: { value },
        artifacts: {},
        config,
      };
    },
  };
}

const tempRuns = (): string => mkdtempSync(path.join(os.tmpdir(), 'forge-crash-'));

const NOBODY = 65534;
/**
 * Runs `body` with the effective user and group 'nobody' when this process is root (CI runs as root, and
 * root writes through any permission bits), so a read-only directory is read-only for real; as any other
 * user it runs as is. glibc applies seteuid to every thread, so libuv's fs threads drop privileges too.
 */
async function asUnprivilegedUser<T>(body: () => Promise<T>): Promise<T> {
  if (process.getuid?.() !== 0) return body();
  if (!process.seteuid || !process.setegid) throw new Error('running as root without seteuid: cannot drop privileges');
  process.setegid(NOBODY);
  process.seteuid(NOBODY);
  try {
    return await body();
  } finally {
    process.seteuid(0);
    process.setegid(0);
  }
}

describe('crash safety', () => {
  it('records a content hash of every model file in pipeline.json', async () => {
    const outcome = await runPipeline({ phases: [modelPhase('cognate', [])], runsDir: tempRuns() });
    const state = readPipelineState(outcome.runDir);
    const model = path.join(outcome.runDir, '01-cognate', 'model');
    expect(state.phases[0]?.hashes?.[model]).toEqual(await hashDirectory(model));
    expect(Object.keys(state.phases[0]?.hashes?.[model] ?? {})).toEqual(['weights.txt']);
  });

  it('does not trust a finished phase whose checkpoint changed: it runs again, and every later phase too', async () => {
    const runsDir = tempRuns();
    const runs: string[] = [];
    const phases = [modelPhase('cognate', runs), modelPhase('evomerge', runs), modelPhase('quietstar', runs)];
    const first = await runPipeline({ phases, runsDir });
    writeFileSync(path.join(first.runDir, '02-evomerge', 'model', 'weights.txt'), 'torn');
    runs.length = 0;
    const resumed = await runPipeline({ phases, runsDir, resumeRunId: first.runId });
    expect(runs).toEqual(['evomerge', 'quietstar']);
    expect(resumed.result?.metrics.value).toBe(3);
  });

  it('puts back the previous directory when a replace was killed between its two renames', async () => {
    const dir = path.join(tempRuns(), 'ckpt');
    await replaceDirectory(dir, async (staging) => writeFileAtomic(path.join(staging, 'a.txt'), 'old'));
    // Simulate the crash: the target moved aside by a process that no longer exists.
    const parent = path.dirname(dir);
    const retired = path.join(parent, '.ckpt.retired-999999-0badc0de');
    mkdirSync(retired);
    writeFileSync(path.join(retired, 'a.txt'), 'old');
    await import('node:fs/promises').then((fs) => fs.rm(dir, { recursive: true }));
    expect(await recoverInterruptedReplace(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual(['a.txt']);
    expect(await recoverInterruptedReplace(dir)).toBe(false);
  });

  it('names the directory when the runs directory is read-only (as root too: it then runs as nobody)', async () => {
    const runsDir = tempRuns();
    chmodSync(runsDir, 0o555);
    const run = asUnprivilegedUser(() => runPipeline({ phases: [modelPhase('cognate', [])], runsDir }));
    await expect(run).rejects.toThrow(/permission denied/);
    await expect(run).rejects.toThrow(runsDir);
  });

  it('turns a full disk or a read-only file system into a clear error naming the file', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(String(explainFsError(enospc, 'runs/x/model.safetensors'))).toMatch(
      /runs\/x\/model\.safetensors: cannot write: the disk is full/,
    );
    const erofs = Object.assign(new Error('EROFS'), { code: 'EROFS' });
    expect(String(explainFsError(erofs, 'runs'))).toMatch(/runs: cannot write: the file system is read-only/);
    const other = new Error('boom');
    expect(explainFsError(other, 'x')).toBe(other);
  });

  it("survives SIGKILL mid-training, between a checkpoint swap's renames and after a phase result: the resume ends with the uninterrupted run's weights", () => {
    const script = fileURLToPath(new URL('./fixtures/crash-run.mjs', import.meta.url));
    const clean = spawnSync(process.execPath, [script, tempRuns()], {
      env: { ...process.env, FORGE_FAULT: '' },
      encoding: 'utf8',
    });
    expect(clean.status, clean.stderr).toBe(0);
    for (const fault of ['checkpoint-swap@2', 'phase-result-written@1', 'train-step@3']) {
      const runsDir = tempRuns();
      const killed = spawnSync(process.execPath, [script, runsDir], {
        env: { ...process.env, FORGE_FAULT: fault },
        encoding: 'utf8',
      });
      expect(killed.signal, `${fault}: ${killed.stderr}`).toBe('SIGKILL');
      const resumed = spawnSync(process.execPath, [script, runsDir, 'resume'], {
        env: { ...process.env, FORGE_FAULT: '' },
        encoding: 'utf8',
      });
      expect(resumed.status, `${fault}: ${resumed.stderr}`).toBe(0);
      expect(JSON.parse(resumed.stdout), fault).toEqual(JSON.parse(clean.stdout));
    }
  });
});
