import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bitnetPhase } from '@agent-forge/bitnet';
import { cognatePhase } from '@agent-forge/cognate';
import { recordRunAlerts, runPipeline, silentProgress } from '@agent-forge/core';
import { CONTROL_PHASE, EffectSettingsSchema, measurePipelineEffects } from '../src/effects/index.js';
import type { PipelineEffects } from '../src/effects/index.js';
import type { Phase, PhaseContext, PipelineOutcome } from '@agent-forge/core';
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
        specialistSteps: 3,
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

/** The pipeline's phase names, in order: the timeline must label each of them. */
export const PIPELINE_PHASES = [
  'cognate',
  'evomerge',
  'quietstar',
  'bitnet',
  'forge-train',
  'baking',
  'edge',
  'compression',
] as const;

/**
 * Series and result metrics under the names the real phases use (forge-train's `grokfast` / `baseline`
 * runs, edge's latencies, compression's per-method encode times and budget baseline loss). The values
 * are this test's inputs: the page must put each one on the chart of its unit.
 */
type Tracker = PhaseContext['tracker'];
const LOGGED: Partial<Record<(typeof PIPELINE_PHASES)[number], (tracker: Tracker) => Record<string, number>>> = {
  'forge-train': (tracker) => {
    for (const step of [1, 2, 3]) {
      tracker.metrics('forge-train/grokfast', step, { loss: 3 - step / 4, lr: step / 1000, gradNorm: step * 2 });
      tracker.metrics('forge-train/baseline', step, { loss: 3 - step / 8, lr: step / 1000, gradNorm: step * 3 });
    }
    return { grokfastMsPerStep: 12.5, baselineMsPerStep: 11.25, stepSpeedup: 2 };
  },
  edge: () => ({ timeToFirstTokenMs: 8.5, msPerTokenP50: 2.25, fullForwardMs: 4.75, bytesOnDisk: 2048 }),
  compression: (tracker) => {
    const metrics = { budgetLossBaseline: 2.5, 'method.int8.encodeMs': 31.5, 'method.int8.bitsPerWeight': 8.25 };
    tracker.metrics('compression', 0, metrics);
    return metrics;
  },
};

/** Eight quick phases named as the pipeline's, each reporting what {@link LOGGED} gives it. */
export async function runPipelineShapedRun(runsDir: string): Promise<PipelineOutcome> {
  const phases = PIPELINE_PHASES.map(
    (name): Phase => ({
      name,
      description: 'logs under the real phase names',
      configSchema: z.object({}),
      run: async (_input, config, ctx) => ({
        phase: name,
        runId: ctx.runId,
        startedAt: new Date().toISOString(),
        durationMs: 1,
        models: [],
        metrics: LOGGED[name]?.(ctx.tracker) ?? {},
        artifacts: {},
        config,
      }),
    }),
  );
  return runPipeline({ phases, runsDir, runId: 'pipeline-run' });
}

/**
 * effects.json for the micro run, measured by `forge run`'s own code on a tiny held-out set; the
 * cognate model is measured a second time as the `control` row (the page only reads the row).
 */
export async function measureMicroEffects(outcome: PipelineOutcome): Promise<PipelineEffects> {
  const settings = EffectSettingsSchema.parse({
    problemsPerDifficulty: 1,
    windows: 2,
    maxNewTokens: 2,
    difficulties: [1, 2],
  });
  const cognate = outcome.state.phases[0]?.result?.models[0];
  if (!cognate) throw new Error('micro run: cognate has no model');
  const control = {
    phase: CONTROL_PHASE,
    role: 'control',
    dir: cognate.dir,
    params: cognate.params,
    bytes: cognate.bytes,
  };
  return measurePipelineEffects(outcome.runDir, outcome.state, [], settings, silentProgress, [control]);
}
