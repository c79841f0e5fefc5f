// An interrupted Quiet-STaR training, resumed, ends with the weights of a run that was never
// interrupted, on the default backend (wasm with the native kernels): the language model and the
// thought sidecar (start/end-of-thought embeddings, mixing head).
import path from 'node:path';
import { createTitanModel, initBackend, maxWeightDifference, runPipeline, titanExtensions } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUIETSTAR_SIDECAR, quietstarPhase } from '../src/index.js';
import { MICRO, fakeResult, saveInput, tempDir } from './helpers.js';

const CONFIG = {
  steps: 3,
  batchSize: 2,
  microBatchSize: 1,
  thoughtPositions: 6,
  thoughtLength: 2,
  nTrue: 2,
  evalWindows: 2,
  evalProblems: 0,
  maxNewTokens: 4,
  latencyTokens: 0,
  checkpointEvery: 1,
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
};

beforeAll(async () => {
  await initBackend();
});

describe('quietstar resume', () => {
  it("resumes at the saved step and ends with the uninterrupted run's weights", async () => {
    const root = tempDir('resume-weights');
    const inputDir = path.join(root, 'input');
    const model = createTitanModel(MICRO, { act: { maxSteps: 2 }, memory: { chunkSize: 4 } }, { seed: 2 });
    await saveInput(inputDir, model, titanExtensions(model));
    model.dispose();
    const options = (runs: string) => ({
      phases: [quietstarPhase],
      runsDir: path.join(root, runs),
      input: fakeResult([{ dir: inputDir, role: 'reasoning' }]),
      phaseConfigs: { quietstar: CONFIG },
      seed: 1,
    });
    const straight = await runPipeline({ ...options('straight'), runId: 'r1' });
    const abort = new AbortController();
    abort.abort();
    await expect(runPipeline({ ...options('interrupted'), runId: 'r1', signal: abort.signal })).rejects.toThrow(
      /forge run --resume r1/,
    );
    const resumed = await runPipeline({ ...options('interrupted'), resumeRunId: 'r1' });
    expect(straight.result?.metrics.resumedFromStep).toBe(0);
    expect(resumed.result?.metrics.resumedFromStep).toBe(1);
    const dirOf = (outcome: typeof straight): string => outcome.result?.models[0]?.dir ?? '';
    // Native kernels: the last bit of a sum can depend on heap placement (≤ 3e-8 measured in cognate).
    expect(await maxWeightDifference(dirOf(resumed), dirOf(straight))).toBeLessThan(1e-6);
    const sidecar = (outcome: typeof straight): string => path.join(dirOf(outcome), QUIETSTAR_SIDECAR);
    expect(await maxWeightDifference(sidecar(resumed), sidecar(straight))).toBeLessThan(1e-6);
  });
});
