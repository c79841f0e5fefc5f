// The phase toolkit: picking the input model by role, the shared data/evaluation settings, the one
// data path with its hooks, and the runner stamping a phase's output into a complete PhaseResult.
import { mkdtempSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  Rng,
  TrainConfigSchema,
  firstWindows,
  heldOutWindows,
  loadPhaseSplit,
  parseConfig,
  pickInputModel,
  preparePhaseData,
  readPhaseResult,
  runPhase,
  runPipeline,
  silentProgress,
  trainBpe,
  evaluationSettingsSchema,
  EvaluationSettingsSchema,
} from '../../src/index.js';
import type { Phase, PhaseContext, PhaseModel, PhaseResult, Tracker } from '../../src/index.js';

const model = (role: string, dir = `/m/${role}`): PhaseModel => ({ dir, role, params: 1, bytes: 1 });
const result = (models: PhaseModel[]): PhaseResult => ({
  phase: 'evomerge',
  runId: 'r',
  startedAt: 't',
  durationMs: 0,
  models,
  metrics: {},
  artifacts: {},
  config: {},
});
const CHOICE = { phase: 'bitnet', roles: ['merged', 'reasoning'], after: 'cognate/evomerge' } as const;

describe('pickInputModel', () => {
  it('takes the best preferred role, whatever the listing order, else the first model', () => {
    const models = [model('other'), model('reasoning'), model('merged', '/a'), model('merged', '/b')];
    expect(pickInputModel(result(models), CHOICE).dir).toBe('/a');
    expect(pickInputModel(result([model('other'), model('reasoning')]), CHOICE).role).toBe('reasoning');
    expect(pickInputModel(result([model('x'), model('y')]), CHOICE).role).toBe('x');
  });

  it('names input or input.models when there is nothing to pick', () => {
    expect(() => pickInputModel(null, CHOICE)).toThrow(
      /field 'input'.*bitnet needs a model: run after cognate\/evomerge or pass --input/,
    );
    expect(() => pickInputModel(result([]), CHOICE)).toThrow(
      /field 'input.models'.*the evomerge result lists none: run after cognate\/evomerge/,
    );
  });
});

describe('evaluationSettingsSchema', () => {
  it("fills the phase's own defaults, checks values and composes into a strict phase schema", () => {
    expect(EvaluationSettingsSchema.parse({})).toEqual({
      validationFraction: 0.1,
      evalWindows: 32,
      evalProblems: 16,
      maxNewTokens: 48,
    });
    const schema = TrainConfigSchema.extend(
      evaluationSettingsSchema({ evalWindows: 8, evalProblems: 4, maxNewTokens: 16 }).shape,
    ).strict();
    const parsed = schema.parse({ steps: 3 });
    expect([parsed.steps, parsed.evalWindows, parsed.evalProblems, parsed.maxNewTokens]).toEqual([3, 8, 4, 16]);
    expect(() => parseConfig(schema, { validationFraction: 1 }, { prefix: 'phases.x' })).toThrow(
      /phases.x.validationFraction/,
    );
    expect(() => parseConfig(schema, { evalWindow: 3 }, { prefix: 'phases.x' })).toThrow(/evalWindow/);
  });
});

const SETTINGS = { validationFraction: 0.1, evalWindows: 4, evalProblems: 3, maxNewTokens: 4 };
const CTX = {
  preset: 'tiny' as const,
  seed: 5,
  data: { kind: 'builtin' as const, count: 200, seed: 2, difficulty: 1 },
};
const tokenizer = trainBpe(['Question: Ann has 4 pens and gets 3 more.\nAnswer: 4+3=7\n#### 7'], { vocabSize: 280 });

describe('the phase data path', () => {
  it('splits run data first, then the phase setting, then the built-in problems, the same way every time', async () => {
    const run = await loadPhaseSplit(
      { ...SETTINGS, data: { kind: 'builtin', count: 50, seed: 1, difficulty: 1 } },
      CTX,
    );
    expect(run.dataset.size).toBe(200);
    expect(run.train.size + run.validation.size).toBe(200);
    const own = await loadPhaseSplit(
      { ...SETTINGS, data: { kind: 'builtin', count: 50, seed: 1, difficulty: 1 } },
      { ...CTX, data: undefined },
    );
    expect(own.dataset.size).toBe(50);
    const again = await loadPhaseSplit(SETTINGS, CTX);
    expect(again.validation.texts()).toEqual(run.validation.texts());
  });

  it('makes the tokenizer and the extra splits through its hooks', async () => {
    const made: string[] = [];
    const data = await preparePhaseData(SETTINGS, CTX, null, 16, {
      tokenizer: (split) => {
        made.push(split.train.name);
        return trainBpe(split.train.texts(), { vocabSize: 300 });
      },
      extra: (split, tokens, windows) => ({
        calibration: heldOutWindows(split.train.tokenize(tokens), 16, 2, 2),
        budget: firstWindows(windows, 2),
      }),
    });
    expect(made).toEqual(['builtin#train']);
    expect(data.tokenizer.vocabSize).toBe(300);
    expect(data.heldOut.windows.rows).toBe(4);
    expect(data.extra.calibration.rows).toBe(2);
    expect([...data.extra.budget.tokens]).toEqual([...data.heldOut.windows.tokens.subarray(0, 2 * 17)]);
    const evalOnly = await preparePhaseData(SETTINGS, CTX, tokenizer, 16, { trains: false });
    expect(evalOnly.trainDocuments).toEqual([]);
    expect(evalOnly.extra).toBeUndefined();
  });

  it('names the data when it is too small, and asks for a tokenizer', async () => {
    const tiny = { ...CTX, data: { kind: 'builtin' as const, count: 3, seed: 1, difficulty: 1 } };
    await expect(preparePhaseData(SETTINGS, tiny, tokenizer, 4096)).rejects.toThrow(
      /field 'data'.*too small.*and training examples/,
    );
    await expect(preparePhaseData(SETTINGS, CTX, null, 16)).rejects.toThrow(/field 'tokenizer'/);
  });

  it('firstWindows keeps at most the rows asked for', () => {
    const windows = { tokens: Int32Array.from({ length: 12 }, (_, i) => i), rows: 4, cols: 3 };
    expect(firstWindows(windows, 2)).toEqual({ tokens: Int32Array.from([0, 1, 2, 3, 4, 5]), rows: 2, cols: 3 });
    expect(firstWindows(windows, 9).rows).toBe(4);
  });
});

/** A phase returning only its own output; it waits `waitMs` so its measured duration is visibly above 0. */
const outputPhase = (waitMs: number): Phase<{ size: number }> => ({
  name: 'edge',
  description: 'test phase',
  configSchema: z.object({ size: z.number().int().default(1) }).strict(),
  presetDefaults: (preset) => (preset === 'small' ? { size: 5 } : {}),
  async run(_input, config, ctx) {
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    const dir = path.join(ctx.phaseDir, 'model');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'weights.bin'), 'w');
    return {
      models: [model('deployable', dir)],
      metrics: { size: config.size },
      report: '# edge\n',
      artifacts: { extra: dir },
    };
  },
});

function directContext(phaseDir: string): PhaseContext {
  const tracker = {
    metric: () => undefined,
    metrics: () => undefined,
    event: () => undefined,
    config: () => undefined,
  };
  return {
    runId: 'direct-1',
    runDir: path.dirname(phaseDir),
    phaseDir,
    preset: 'small',
    seed: 1,
    rng: Rng.fromSeed(1),
    backend: 'cpu',
    tracker: tracker as unknown as Tracker,
    progress: silentProgress,
    signal: new AbortController().signal,
    resuming: false,
  };
}

function expectStamped(stamped: PhaseResult, runId: string, phaseDir: string, size: number): void {
  expect(stamped.phase).toBe('edge');
  expect(stamped.runId).toBe(runId);
  expect(Date.parse(stamped.startedAt)).toBeGreaterThan(Date.now() - 60_000);
  expect(stamped.durationMs).toBeGreaterThanOrEqual(75);
  expect(stamped.config).toEqual({ size });
  expect(stamped.artifacts).toEqual({ report: path.join(phaseDir, 'report.md'), extra: path.join(phaseDir, 'model') });
  expect(readFileSync(stamped.artifacts.report as string, 'utf8')).toBe('# edge\n');
}

describe('stamping a phase result', () => {
  it('runPhase gives a phase run on its own a complete, valid result with its preset defaults', async () => {
    const phaseDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-run-phase-')), '07-edge');
    const stamped = await runPhase(outputPhase(80), null, {}, directContext(phaseDir));
    expectStamped(stamped, 'direct-1', phaseDir, 5);
    await expect(runPhase(outputPhase(0), null, { sise: 2 }, directContext(phaseDir))).rejects.toThrow(/phases.edge/);
  });

  it('the pipeline stamps run id, timing, config and report path into result.json', async () => {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'forge-stamp-'));
    const outcome = await runPipeline({
      phases: [outputPhase(80)],
      runsDir,
      runId: 'stamp-1',
      phaseConfigs: { edge: { size: 2 } },
    });
    const phaseDir = path.join(outcome.runDir, '07-edge');
    expectStamped(readPhaseResult(phaseDir), 'stamp-1', phaseDir, 2);
  });
});
