import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bitnetPhase } from '@agent-forge/bitnet';
import { cognatePhase } from '@agent-forge/cognate';
import { recordRunAlerts, runPipeline } from '@agent-forge/core';
import type { Phase, PipelineOutcome } from '@agent-forge/core';
import { z } from 'zod';

const MICRO_MODEL = { vocabSize: 320, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 16 };
const MICRO_DATA = { kind: 'builtin', count: 150, seed: 3, difficulty: 1 } as const;

/** The real cognate and bitnet phases at test size: every number the dashboard shows comes from them. */
export async function runMicroPipeline(runsDir: string): Promise<PipelineOutcome> {
  return runPipeline({
    phases: [cognatePhase as Phase, bitnetPhase as Phase],
    runsDir,
    runId: 'micro-run',
    seed: 1,
    trackerSinks: ['run-store', 'tensorboard'],
    phaseConfigs: {
      cognate: {
        steps: 3,
        batchSize: 4,
        model: MICRO_MODEL,
        data: MICRO_DATA,
        chunkSize: 4,
        actMaxSteps: 3,
        evalWindows: 1,
        evalProblems: 0,
        maxNewTokens: 2,
        capacityScale: 1 / 256,
        logEvery: 1,
      },
      bitnet: {
        steps: 4,
        batchSize: 4,
        evalWindows: 1,
        evalProblems: 0,
        maxNewTokens: 2,
        logEvery: 1,
        data: MICRO_DATA,
      },
    },
  });
}

export const tempRunsDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'forge-dashboard-'));

/**
 * A run that stays live until `finish` is called: an evomerge-named phase logs its generations in the
 * format the evomerge phase uses (bestFitness, meanFitness, diversity per generation). The values are
 * this test's inputs, chosen to be checked on the page, not results of a search.
 */
export function startLiveRun(
  runsDir: string,
  generations: ReadonlyArray<Record<string, number>>,
): {
  started: Promise<void>;
  logMore: (values: Record<string, number>) => void;
  finish: () => Promise<PipelineOutcome>;
} {
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let logMore: (values: Record<string, number>) => void = () => undefined;
  const phase: Phase = {
    name: 'evomerge',
    description: 'live test phase',
    configSchema: z.object({}),
    run: async (_input, config, ctx) => {
      generations.forEach((values, generation) => ctx.tracker.metrics('evomerge', generation, values));
      let next = generations.length;
      markStarted();
      logMore = (values) => ctx.tracker.metrics('evomerge', next++, values);
      await gate;
      return {
        phase: 'evomerge',
        runId: ctx.runId,
        startedAt: new Date().toISOString(),
        durationMs: 1,
        models: [],
        metrics: {},
        artifacts: {},
        config,
      };
    },
  };
  const outcome = runPipeline({ phases: [phase], runsDir, runId: 'live-run' });
  return { started, logMore: (values) => logMore(values), finish: () => (release(), outcome) };
}

/**
 * Two phases that report the given answer accuracies (this test's inputs), then the alert check
 * `forge run` does after a run: a drop over 20% is logged into the run store as an alert event.
 */
export async function runAlertRun(runsDir: string, accuracies: readonly [number, number]): Promise<string[]> {
  const reporting = (name: 'cognate' | 'bitnet', accuracy: number): Phase => ({
    name,
    description: 'reports a given accuracy',
    configSchema: z.object({}),
    run: async (_input, config, ctx) => ({
      phase: name,
      runId: ctx.runId,
      startedAt: new Date().toISOString(),
      durationMs: 1,
      models: [],
      metrics: { accuracy },
      artifacts: {},
      config,
    }),
  });
  await runPipeline({
    phases: [reporting('cognate', accuracies[0]), reporting('bitnet', accuracies[1])],
    runsDir,
    runId: 'alert-run',
  });
  return (await recordRunAlerts(runsDir, 'alert-run')).map((a) => a.message);
}
