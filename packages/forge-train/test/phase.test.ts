import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadModelCheckpoint,
  loadPackedModel,
  PACKED_FILE,
  phaseDirName,
  readPhaseResult,
  runPipeline,
  useBackend,
} from '@agent-forge/core';
import { FORGE_TRAIN_MODEL_DIR, forgeTrainPhase } from '../src/index.js';
import { fakeResult, saveTernaryInput, snapshot, tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const MICRO_PHASE = {
  steps: 4,
  evalEvery: 2,
  batchSize: 4,
  lr: 1e-2,
  warmupSteps: 1,
  evalWindows: 4,
  evalProblems: 1,
  maxNewTokens: 3,
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
};

async function runPhase(
  label: string,
  config: Record<string, unknown> = {},
  extra: { runId?: string; signal?: AbortSignal; resumeRunId?: string; root?: string } = {},
) {
  const root = extra.root ?? tempDir(label);
  const inputDir = path.join(root, 'ternary');
  if (!existsSync(inputDir)) await saveTernaryInput(inputDir);
  const { root: _root, ...pipelineExtra } = extra;
  const outcome = await runPipeline({
    phases: [forgeTrainPhase],
    runsDir: path.join(root, 'runs'),
    input: fakeResult([
      { dir: path.join(root, 'decoy'), role: 'candidate' },
      { dir: inputDir, role: 'ternary' },
    ]),
    phaseConfigs: { 'forge-train': { ...MICRO_PHASE, ...config } },
    seed: 1,
    ...pipelineExtra,
  });
  return { root, inputDir, outcome, result: readPhaseResult(path.join(outcome.runDir, phaseDirName('forge-train'))) };
}

describe('forge-train phase', () => {
  it('trains the ternary model with Grokfast and the baseline, reports both, saves latent + packed checkpoints', async () => {
    const { inputDir, result } = await runPhase('phase');
    const { metrics } = result;
    for (const key of [
      'grokfastFinalLoss',
      'baselineFinalLoss',
      'grokfastPerplexity',
      'baselinePerplexity',
      'perplexityBefore',
      'filterOverheadMsPerStep',
      'grokfastMsPerStep',
      'baselineMsPerStep',
    ]) {
      expect(Number.isFinite(metrics[key]), key).toBe(true);
    }
    expect(metrics.trainSteps).toBe(4);
    // Both runs learned, and the filter made the Grokfast run differ from the baseline.
    expect(metrics.grokfastFinalLoss).toBeLessThan(
      metrics.perplexityBefore === undefined ? Infinity : Math.log(metrics.perplexityBefore),
    );
    expect(metrics.baselineFinalLoss).toBeLessThan(Math.log(metrics.perplexityBefore as number));
    expect(metrics.grokfastFinalLoss).not.toBe(metrics.baselineFinalLoss);
    expect(metrics.filterOverheadMsPerStep).toBeGreaterThan(0);

    const model = result.models[0];
    expect(model?.role).toBe('trained');
    expect(model?.dir).toBe(path.join(path.dirname(result.artifacts.report as string), FORGE_TRAIN_MODEL_DIR));
    expect(readFileSync(result.artifacts.report as string, 'utf8')).toMatch(
      /\| step \| Grokfast held-out loss \| baseline held-out loss \|\n\|---\|---\|---\|\n\| 0 \|/,
    );
    expect(existsSync(path.join(model?.dir as string, PACKED_FILE))).toBe(true);

    const trained = await loadModelCheckpoint(model?.dir as string);
    const input = await loadModelCheckpoint(inputDir);
    expect(trained.config.extensions).toEqual(input.config.extensions);
    expect(snapshot(trained.model.namedWeights())).not.toEqual(snapshot(input.model.namedWeights()));
    const packed = await loadPackedModel(model?.dir as string);
    expect(packed.model.parameterCount).toBe(trained.model.parameterCount);
    for (const item of [trained, input, packed]) item.model.dispose();
  });

  it('λ = 0 makes the Grokfast run the baseline exactly', async () => {
    const { result } = await runPhase('lambda0', { lambda: 0 });
    expect(result.metrics.grokfastFinalLoss).toBe(result.metrics.baselineFinalLoss);
    expect(result.metrics.grokfastPerplexity).toBe(result.metrics.baselinePerplexity);
    expect(result.metrics.stepsToBaselineLoss).toBe(4);
  });

  it('an interrupted run resumes and ends with the same numbers as an uninterrupted one', async () => {
    const straight = await runPhase('straight', { filter: 'ma', windowSize: 2 });
    const root = tempDir('resume');
    const abort = new AbortController();
    abort.abort();
    await expect(
      runPhase('resume', { filter: 'ma', windowSize: 2 }, { root, runId: 'r1', signal: abort.signal }),
    ).rejects.toThrow(/forge run --resume r1/);
    const resumed = await runPhase('resume', { filter: 'ma', windowSize: 2 }, { root, resumeRunId: 'r1' });
    for (const key of ['grokfastFinalLoss', 'baselineFinalLoss', 'grokfastPerplexity', 'baselinePerplexity']) {
      expect(resumed.result.metrics[key], key).toBe(straight.result.metrics[key]);
    }
  });

  it('hands on the baseline when the Grokfast arm came out worse, and the input when both did', async () => {
    // λ = 0 makes the Grokfast arm the baseline exactly, so its output holds the baseline arm's weights.
    const plain = await runPhase('plain', { lambda: 0, handOnBest: false });
    const damaged = await runPhase('damaged', { lambda: 400 });
    expect(damaged.result.metrics.checkLossGrokfast).toBeGreaterThan(
      damaged.result.metrics.checkLossBaseline as number,
    );
    expect(damaged.result.metrics.handedOn).toBe(1);
    expect(damaged.result.metrics.perplexity).toBe(damaged.result.metrics.baselinePerplexity);
    expect(readFileSync(damaged.result.artifacts.report as string, 'utf8')).toMatch(/hands on the baseline-trained/);
    const [baselineArm, handedOn] = await Promise.all(
      [plain, damaged].map((run) => loadModelCheckpoint(run.result.models[0]?.dir as string)),
    );
    expect(snapshot(handedOn.model.namedWeights())).toEqual(snapshot(baselineArm.model.namedWeights()));

    const diverged = await runPhase('diverged', { lr: 30, warmupSteps: 0, spikeFactor: 0 });
    expect(diverged.result.metrics.handedOn).toBe(2);
    expect(diverged.result.metrics.perplexity).toBe(diverged.result.metrics.perplexityBefore);
    const [input, kept] = await Promise.all(
      [diverged.inputDir, diverged.result.models[0]?.dir as string].map((dir) => loadModelCheckpoint(dir)),
    );
    expect(snapshot(kept.model.namedWeights())).toEqual(snapshot(input.model.namedWeights()));
    expect(existsSync(path.join(diverged.result.models[0]?.dir as string, PACKED_FILE))).toBe(true);
    for (const item of [baselineArm, handedOn, input, kept]) item.model.dispose();
  });

  it('fails clearly without an input model or with an unknown filter', async () => {
    const runsDir = path.join(tempDir('noinput'), 'runs');
    await expect(
      runPipeline({ phases: [forgeTrainPhase], runsDir, phaseConfigs: { 'forge-train': MICRO_PHASE } }),
    ).rejects.toThrow(/forge-train needs a model: run after bitnet/);
    await expect(runPhase('badfilter', { filter: 'fir' })).rejects.toThrow(/unknown Grokfast filter 'fir'/);
    await expect(
      runPipeline({ phases: [forgeTrainPhase], runsDir, phaseConfigs: { 'forge-train': { alpha: 2 } } }),
    ).rejects.toThrow(/phases\.forge-train\.alpha/);
  });
});
