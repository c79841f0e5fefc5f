import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ForgeError,
  metricSeries,
  readPhaseResult,
  readPipelineState,
  readRunStore,
  runPipeline,
} from '../../src/index.js';
import type { Phase, PhaseContext, PhaseName, PhaseResult } from '../../src/index.js';

/** A phase that adds `add` to the previous phase's `value` metric; it can be told to fail or to abort. */
function countingPhase(
  name: PhaseName,
  log: string[],
  behaviour: { failTimes?: number; abort?: AbortController } = {},
): Phase<{ add: number }> {
  let failuresLeft = behaviour.failTimes ?? 0;
  return {
    name,
    description: `test phase ${name}`,
    configSchema: z.object({ add: z.number().int().default(1) }),
    presetDefaults: (preset) => (preset === 'small' ? { add: 10 } : {}),
    async run(input: PhaseResult | null, config, ctx: PhaseContext) {
      log.push(`${name}${ctx.resuming ? ':resume' : ''}`);
      ctx.tracker.metric(name, 1, 'loss', 0.5);
      if (behaviour.abort && !ctx.resuming) {
        behaviour.abort.abort();
        throw new Error('stopped by signal');
      }
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error(`${name} broke`);
      }
      const previous = input?.metrics.value ?? 0;
      return { models: [], metrics: { value: previous + config.add }, report: `# ${name}\n` };
    },
  };
}

let runsDir: string;
beforeEach(() => {
  runsDir = mkdtempSync(path.join(os.tmpdir(), 'forge-pipeline-'));
});
afterEach(() => undefined);

describe('runPipeline', () => {
  it('runs phases in order, chaining results, and records state, results and tracking', async () => {
    const log: string[] = [];
    const phases = [countingPhase('cognate', log), countingPhase('evomerge', log)];
    const outcome = await runPipeline({ phases, runsDir, phaseConfigs: { evomerge: { add: 5 } }, seed: 3 });
    expect(log).toEqual(['cognate', 'evomerge']);
    expect(outcome.result?.metrics.value).toBe(6);
    const state = readPipelineState(outcome.runDir);
    expect(state.phases.map((p) => [p.dir, p.status])).toEqual([
      ['01-cognate', 'done'],
      ['02-evomerge', 'done'],
    ]);
    expect(readPhaseResult(path.join(outcome.runDir, '02-evomerge')).metrics.value).toBe(6);
    const records = readRunStore(outcome.runDir);
    expect(metricSeries(records, 'evomerge', 'loss')).toEqual([[1, 0.5]]);
    expect(records.filter((r) => r.type === 'event').map((r) => (r.type === 'event' ? r.event : ''))).toContain(
      'run_finished',
    );
  });

  it('fills preset defaults under the user config', async () => {
    const outcome = await runPipeline({ phases: [countingPhase('cognate', [])], runsDir, preset: 'small' });
    expect(outcome.result?.metrics.value).toBe(10);
  });

  it('rejects a bad config naming the field, before any phase runs', async () => {
    const log: string[] = [];
    const phases = [countingPhase('cognate', log), countingPhase('evomerge', log)];
    const run = runPipeline({ phases, runsDir, phaseConfigs: { evomerge: { add: 'lots' } } });
    await expect(run).rejects.toThrow(ForgeError);
    await expect(runPipeline({ phases, runsDir, phaseConfigs: { evomerge: { add: 'lots' } } })).rejects.toThrow(
      /phases\.evomerge\.add/,
    );
    await expect(runPipeline({ phases, runsDir, phaseConfigs: { bitnet: {} } })).rejects.toThrow(/phases\.bitnet/);
    expect(log).toEqual([]);
  });

  it('resumes after a failure: finished phases are skipped and their results reused', async () => {
    const log: string[] = [];
    const phases = [
      countingPhase('cognate', log),
      countingPhase('evomerge', log, { failTimes: 1 }),
      countingPhase('quietstar', log),
    ];
    const first = runPipeline({ phases, runsDir, runId: 'r1' });
    await expect(first).rejects.toThrow('evomerge broke');
    const failed = readPipelineState(path.join(runsDir, 'r1'));
    expect(failed.phases.map((p) => p.status)).toEqual(['done', 'failed', 'pending']);
    expect(failed.phases[1]?.error).toBe('evomerge broke');
    const outcome = await runPipeline({ phases, runsDir, resumeRunId: 'r1' });
    expect(log).toEqual(['cognate', 'evomerge', 'evomerge:resume', 'quietstar']);
    expect(outcome.result?.metrics.value).toBe(3);
  });

  it('marks an interrupted phase and tells how to resume', async () => {
    const log: string[] = [];
    const abort = new AbortController();
    const phases = [countingPhase('cognate', log), countingPhase('evomerge', log, { abort })];
    await expect(runPipeline({ phases, runsDir, runId: 'r2', signal: abort.signal })).rejects.toThrow(
      /forge run --resume r2/,
    );
    expect(readPipelineState(path.join(runsDir, 'r2')).phases[1]?.status).toBe('interrupted');
    const outcome = await runPipeline({ phases, runsDir, resumeRunId: 'r2' });
    expect(log).toEqual(['cognate', 'evomerge', 'evomerge:resume']);
    expect(outcome.result?.metrics.value).toBe(2);
  });

  it('hands the run-wide data to every phase, also after a resume', async () => {
    const seen: unknown[] = [];
    const dataPhase = (name: PhaseName, fail: boolean): Phase<Record<string, never>> => ({
      name,
      description: 'records ctx.data',
      configSchema: z.object({}),
      async run(_input, config, ctx) {
        seen.push(ctx.data);
        if (fail && !ctx.resuming) throw new Error('once');
        return {
          phase: name,
          runId: ctx.runId,
          startedAt: 't',
          durationMs: 0,
          models: [],
          metrics: {},
          artifacts: {},
          config,
        };
      },
    });
    const data = { kind: 'gsm8k' as const, path: '/data/train.jsonl' };
    const phases = [dataPhase('cognate', false), dataPhase('evomerge', true)];
    await expect(runPipeline({ phases, runsDir, runId: 'rd', data })).rejects.toThrow('once');
    await runPipeline({ phases, runsDir, resumeRunId: 'rd' });
    expect(seen).toEqual([data, data, data]);
  });

  it('refuses to resume a run with a different list of phases', async () => {
    await runPipeline({ phases: [countingPhase('cognate', [])], runsDir, runId: 'r3' });
    await expect(runPipeline({ phases: [countingPhase('bitnet', [])], runsDir, resumeRunId: 'r3' })).rejects.toThrow(
      /cannot be resumed/,
    );
    await expect(runPipeline({ phases: [countingPhase('cognate', [])], runsDir, resumeRunId: 'nope' })).rejects.toThrow(
      /pipeline\.json is missing/,
    );
  });

  it('rejects a phase result that breaks the schema, naming the field', async () => {
    const broken: Phase<Record<string, never>> = {
      name: 'bitnet',
      description: 'returns a bad result',
      configSchema: z.object({}),
      run: async (_input, _config, ctx) => ({
        phase: 'bitnet',
        runId: ctx.runId,
        startedAt: 'now',
        durationMs: 1,
        models: [],
        metrics: { loss: 'low' as unknown as number },
        artifacts: {},
        config: {},
      }),
    };
    await expect(runPipeline({ phases: [broken], runsDir })).rejects.toThrow(/bitnet\.result\.metrics\.loss/);
  });

  it('names the file when pipeline.json is corrupt', async () => {
    await runPipeline({ phases: [countingPhase('cognate', [])], runsDir, runId: 'r4' });
    const file = path.join(runsDir, 'r4', 'pipeline.json');
    writeFileSync(file, '{"version": 1, "runId": ');
    expect(() => readPipelineState(path.join(runsDir, 'r4'))).toThrow(/pipeline\.json: not valid JSON/);
    writeFileSync(file, JSON.stringify({ version: 2 }));
    expect(() => readPipelineState(path.join(runsDir, 'r4'))).toThrow(/pipeline\.json, field 'version'/);
  });

  it('hands `input` to the first phase and writes no temp files beside pipeline.json', async () => {
    const given: PhaseResult = {
      phase: 'cognate',
      runId: 'x',
      startedAt: 't',
      durationMs: 0,
      models: [],
      metrics: { value: 40 },
      artifacts: {},
      config: {},
    };
    const outcome = await runPipeline({ phases: [countingPhase('evomerge', [])], runsDir, input: given });
    expect(outcome.result?.metrics.value).toBe(41);
    const state = JSON.parse(readFileSync(path.join(outcome.runDir, 'pipeline.json'), 'utf8')) as {
      input: PhaseResult;
    };
    expect(state.input.metrics.value).toBe(40);
    expect(existsSync(path.join(outcome.runDir, '02-evomerge', 'result.json'))).toBe(true);
  });
});
