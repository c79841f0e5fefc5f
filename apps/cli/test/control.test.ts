// The equal-compute control: steps from the run's recorded training tokens, trained on the run's data,
// saved as a checkpoint, and not retrained when the run is measured again.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cognatePhase } from '@agent-forge/cognate';
import {
  PipelineStateSchema,
  TRAINING_COMPUTE_EVENT,
  TinyTitan,
  Tracker,
  formatProblem,
  generateProblems,
  loadModelCheckpoint,
  resolvePhaseConfig,
  saveModelCheckpoint,
  silentProgress,
  trainBpe,
  useBackend,
  type Phase,
  type PipelineState,
} from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockPassTokensByPhase,
  meanBlockPasses,
  pipelineCompute,
  trainControl,
  trainingTokensByPhase,
} from '../src/control/index.js';
import { ControlSettingsSchema } from '../src/control/settings.js';
import { controlEnabled } from '../src/commands/run.js';
import { REGISTERED_PHASES } from '../src/phases.js';

const MICRO = { vocabSize: 320, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 32 };
let root: string;
let cognateDir: string;
let params: number;
const phases = [cognatePhase as Phase];

beforeAll(async () => {
  await useBackend('cpu');
  root = mkdtempSync(path.join(os.tmpdir(), 'forge-control-'));
  const texts = generateProblems({ count: 50, seed: 1, difficulty: 2 }).map((p) => formatProblem(p).text);
  const tokenizer = trainBpe(texts, { vocabSize: 320 });
  cognateDir = path.join(root, 'cognate-model');
  const model = new TinyTitan(MICRO, { seed: 4 });
  params = model.parameterCount;
  await saveModelCheckpoint(cognateDir, { model, tokenizer });
  model.dispose();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function runState(): PipelineState {
  const now = new Date().toISOString();
  const result = {
    phase: 'cognate',
    runId: 'r',
    startedAt: now,
    durationMs: 1,
    models: [{ dir: cognateDir, role: 'reasoning', params, bytes: 1 }],
    metrics: {},
    artifacts: {},
    config: {},
  };
  return PipelineStateSchema.parse({
    version: 1,
    runId: 'r',
    createdAt: now,
    updatedAt: now,
    preset: 'tiny',
    seed: 0,
    phaseConfigs: {},
    data: { kind: 'builtin', count: 300, seed: 2, difficulty: 1 },
    input: null,
    phases: [{ name: 'cognate', dir: '01-cognate', status: 'done', result }],
  });
}

describe('equal-compute control', () => {
  it('trains the plain model for the FLOPs the run recorded, once', async () => {
    const runDir = path.join(root, 'run');
    const batchSize = (resolvePhaseConfig(cognatePhase as Phase, 'tiny', {}) as { batchSize: number }).batchSize;
    const tokensPerStep = batchSize * MICRO.contextLength;
    const tracker = await Tracker.open(['run-store'], { runDir, runId: 'r' });
    // Two cognate variants' training, 3 steps' worth of tokens in all, and a phase the run does not have.
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: tokensPerStep }, 'cognate:reasoning');
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: 2 * tokensPerStep }, 'cognate:memory-integration');
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: 1000 * tokensPerStep }, 'bitnet');
    await tracker.close();
    const state = runState();
    expect(pipelineCompute(runDir, state)).toEqual([
      {
        phase: 'cognate',
        tokens: 3 * tokensPerStep,
        params,
        flops: 6 * params * 3 * tokensPerStep,
        blockPassTokens: 3 * tokensPerStep,
      },
    ]);
    const settings = ControlSettingsSchema.parse({});
    const record = await trainControl(runDir, state, phases, settings, silentProgress);
    expect(record.steps).toBe(3);
    expect(record.flops).toBe(record.pipelineFlops);
    const { model, tokenizer } = await loadModelCheckpoint(record.dir);
    expect(model.parameterCount).toBe(params);
    expect(tokenizer.vocabSize).toBe(320);
    // Different weights from the cognate model it copied its shape from: it was trained from its own init.
    const original = await loadModelCheckpoint(cognateDir);
    const [name, weight] = [...model.namedWeights()][0] ?? [];
    expect(weight?.dataSync()).not.toEqual(
      original.model
        .namedWeights()
        .get(name ?? '')
        ?.dataSync(),
    );
    model.dispose();
    original.model.dispose();
    const saved = statSync(path.join(record.dir, 'model.safetensors')).mtimeMs;
    expect(await trainControl(runDir, state, phases, settings, silentProgress)).toEqual(record);
    expect(statSync(path.join(record.dir, 'model.safetensors')).mtimeMs).toBe(saved);
  });

  it("counts every phase's sub-runs: cognate:<variant>, forge-train/<arm>, baking.<prompt>", async () => {
    const runDir = path.join(root, 'scopes');
    const tracker = await Tracker.open(['run-store'], { runDir, runId: 's' });
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: 1 }, 'cognate:trunk');
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: 10 }, 'forge-train/baseline');
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: 20 }, 'forge-train/grokfast');
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: 100 }, 'baking.calculator');
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: 200 }, 'baking.reasoning');
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: 1000 }, 'bitnet');
    await tracker.close();
    expect(Object.fromEntries(trainingTokensByPhase(runDir))).toEqual({
      cognate: 1,
      'forge-train': 30,
      baking: 300,
      bitnet: 1000,
    });
  });

  it('sums tokens × block-stack passes per phase; events without them count one pass a token', async () => {
    const runDir = path.join(root, 'passes');
    const tracker = await Tracker.open(['run-store'], { runDir, runId: 'p' });
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: 100, blockPassTokens: 250 }, 'cognate:trunk');
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: 100, blockPassTokens: 150 }, 'cognate:reasoning');
    tracker.event(TRAINING_COMPUTE_EVENT, { tokens: 200 }, 'bitnet');
    await tracker.close();
    expect(Object.fromEntries(blockPassTokensByPhase(runDir))).toEqual({ cognate: 400, bitnet: 200 });
    const phases = [
      { phase: 'cognate', tokens: 200, params: 1, flops: 1200, blockPassTokens: 400 },
      { phase: 'bitnet', tokens: 200, params: 1, flops: 1200 },
    ];
    // (400 + 200) / (200 + 200): bitnet's record, written before passes were counted, is one pass a token.
    expect(meanBlockPasses(phases)).toBe(1.5);
    expect(meanBlockPasses([])).toBe(1);
  });

  it('needs a run with cognate', async () => {
    const state = { ...runState(), phases: [] };
    const runDir = path.join(root, 'run-without');
    const tracker = await Tracker.open(['run-store'], { runDir, runId: 'r' });
    await tracker.close();
    await expect(trainControl(runDir, state, phases, ControlSettingsSchema.parse({}), silentProgress)).rejects.toThrow(
      /recorded no training compute/,
    );
  });
});

describe('controlEnabled', () => {
  const withoutCognate = REGISTERED_PHASES.filter((phase) => phase.name !== 'cognate');

  it("follows the run's own preset (a resume keeps it whatever --preset says), and a whole run only", () => {
    expect(controlEnabled(undefined, 'small', REGISTERED_PHASES)).toBe(true);
    expect(controlEnabled(undefined, 'paper', REGISTERED_PHASES)).toBe(true);
    expect(controlEnabled(undefined, 'tiny', REGISTERED_PHASES)).toBe(false);
    expect(controlEnabled(undefined, 'small', withoutCognate)).toBe(false);
  });

  it('does what the config says when it says something', () => {
    expect(controlEnabled(false, 'small', REGISTERED_PHASES)).toBe(false);
    expect(controlEnabled(true, 'tiny', REGISTERED_PHASES)).toBe(true);
  });
});
