import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  SPECIAL_IDS,
  createTitanModel,
  loadModelCheckpoint,
  phaseDirName,
  readPhaseResult,
  runPipeline,
  titanExtensions,
  useBackend,
} from '@agent-forge/core';
import { QUIETSTAR_MODEL_DIR, QUIETSTAR_SIDECAR, loadThinker, quietstarPhase, thinkAndPredict } from '../src/index.js';
import { MICRO, fakeResult, maxAbsDifference, randomTokens, saveInput, tempDir } from './helpers.js';

// The phases train on wasm (the default backend, a tenth of cpu's time); the checks that two computations
// agree bit for bit switch to cpu, whose sums do not depend on where the wasm heap placed the operands.
beforeEach(async () => {
  await useBackend('wasm');
});

const MICRO_PHASE = {
  // A window of 6 of the 24 positions and one row per micro-batch, as the small preset trains.
  steps: 3,
  batchSize: 2,
  microBatchSize: 1,
  thoughtPositions: 6,
  thoughtLength: 2,
  nTrue: 2,
  evalWindows: 2,
  evalProblems: 1,
  maxNewTokens: 4,
  latencyTokens: 2,
  checkpointEvery: 1,
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
};

/** A cognate-like input: TinyTitan with ACT + memory, saved with its `titan` extension. */
async function saveTitanInput(dir: string): Promise<void> {
  const model = createTitanModel(MICRO, { act: { maxSteps: 2 }, memory: { chunkSize: 4 } }, { seed: 2 });
  await saveInput(dir, model, titanExtensions(model));
  model.dispose();
}

describe('quietstar phase', () => {
  it('trains thoughts on an ACT/memory model, reports the ablation and saves a model that loads back', async () => {
    const root = tempDir('phase');
    const inputDir = path.join(root, 'input');
    await saveTitanInput(inputDir);
    const input = fakeResult([
      { dir: path.join(root, 'decoy'), role: 'candidate' },
      { dir: inputDir, role: 'merged' },
    ]);
    const outcome = await runPipeline({
      phases: [quietstarPhase],
      runsDir: path.join(root, 'runs'),
      input,
      phaseConfigs: { quietstar: MICRO_PHASE },
      seed: 1,
    });
    const result = readPhaseResult(path.join(outcome.runDir, phaseDirName('quietstar')));
    const { metrics } = result;
    for (const key of [
      'lossBefore',
      'lossWithThoughts',
      'lossWithoutThoughts',
      'lossDelta',
      'semanticUtilityCorrelation',
      'syntacticUtilityCorrelation',
      'distinct2',
      'continuationTokenMatch',
      'accuracyWithThoughts',
      'accuracyWithoutThoughts',
      'msPerTokenWithThoughts',
      'msPerTokenWithoutThoughts',
      'controlLoss',
      'lossChangeWithoutThoughts',
      'lossVersusControl',
      'handedOn',
      'checkLossBefore',
      'checkLossWithoutThoughts',
      'checkLossControl',
    ]) {
      expect(Number.isFinite(metrics[key]), key).toBe(true);
    }
    expect(metrics.trainSteps).toBe(3);
    expect(metrics.evalPositions).toBe(2 * 2 * 6);
    expect(metrics.lossDelta).toBeCloseTo(
      (metrics.lossWithoutThoughts as number) - (metrics.lossWithThoughts as number),
      6,
    );
    const model = result.models[0];
    expect(model?.role).toBe('reasoning-enhanced');
    const dir = model?.dir as string;
    expect(dir).toBe(path.join(outcome.runDir, phaseDirName('quietstar'), QUIETSTAR_MODEL_DIR));
    expect(existsSync(path.join(dir, QUIETSTAR_SIDECAR))).toBe(true);
    expect(readFileSync(result.artifacts.report as string, 'utf8')).toMatch(
      /Removing the thoughts changes held-out loss by/,
    );

    // Per-step coherence scores went to the tracker.
    const records = readFileSync(path.join(outcome.runDir, 'track.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; name?: string; step?: number });
    for (const name of ['utility', 'semantic', 'syntactic']) {
      expect(records.filter((r) => r.type === 'metric' && r.name === name).map((r) => r.step)).toEqual([1, 2, 3]);
    }

    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
      extensions: Record<string, Record<string, unknown>>;
    };
    expect(config.extensions.titan).toBeDefined();
    expect(config.extensions.quietstar).toMatchObject({
      thoughtLength: 2,
      nTrue: 2,
      thoughtPositions: 6,
      startOfThoughtId: SPECIAL_IDS.startOfThought,
      endOfThoughtId: SPECIAL_IDS.endOfThought,
      mixerShape: [
        [32, 16],
        [16, 1],
      ],
    });

    // A plain load sees an ordinary TinyTitan; loadThinker restores the thoughts from the sidecar.
    await useBackend('cpu');
    const plain = await loadModelCheckpoint(dir);
    const { thinker } = await loadThinker(dir);
    const tokens = randomTokens(4, 1, 8, 320);
    expect(maxAbsDifference(plain.model.forward(tokens), thinker.model.forward(tokens))).toBe(0);
    expect(thinker.thoughtEmbeddings().shape).toEqual([2, 16]);
    const first = thinkAndPredict(thinker, [30, 40, 50], { seed: 9 });
    const again = thinkAndPredict(thinker, [30, 40, 50], { seed: 9 });
    expect(first.thought).toEqual(again.thought);
    expect(first.thought).toHaveLength(2);
    expect(first.logits).toEqual(again.logits);
    plain.model.dispose();
    thinker.model.dispose();
    thinker.dispose();

    rmSync(path.join(dir, QUIETSTAR_SIDECAR));
    await expect(loadThinker(dir)).rejects.toThrow(/quietstar\.safetensors/);
  });

  it('resumes an interrupted thought training from its saved state', async () => {
    const root = tempDir('resume');
    const inputDir = path.join(root, 'input');
    await saveTitanInput(inputDir);
    const options = {
      phases: [quietstarPhase],
      runsDir: path.join(root, 'runs'),
      input: fakeResult([{ dir: inputDir, role: 'reasoning' }]),
      phaseConfigs: { quietstar: { ...MICRO_PHASE, evalProblems: 0, latencyTokens: 0, fineTuneControl: false } },
      seed: 1,
    };
    const abort = new AbortController();
    abort.abort();
    await expect(runPipeline({ ...options, runId: 'r1', signal: abort.signal })).rejects.toThrow(
      /forge run --resume r1/,
    );
    const outcome = await runPipeline({ ...options, resumeRunId: 'r1' });
    expect(outcome.result?.metrics.resumedFromStep).toBe(1);
    expect(outcome.result?.metrics.trainSteps).toBe(3);
  });

  it('fails clearly without an input model or with a bad setting', async () => {
    const runsDir = path.join(tempDir('noinput'), 'runs');
    await expect(
      runPipeline({ phases: [quietstarPhase], runsDir, phaseConfigs: { quietstar: MICRO_PHASE } }),
    ).rejects.toThrow(/quietstar needs a model/);
    await expect(
      runPipeline({ phases: [quietstarPhase], runsDir, phaseConfigs: { quietstar: { nThoughts: 1 } } }),
    ).rejects.toThrow(/phases\.quietstar\.nThoughts/);
  });
});
