// An interrupted bitnet fine-tune, resumed, ends with the weights of a run that was never interrupted,
// on the default backend (wasm with the native kernels). A resume that dropped the optimizer state or
// the data position, or retrained from step 0, would be off by about the learning rate.
import path from 'node:path';
import { initBackend, maxWeightDifference, runPipeline } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bitnetPhase } from '../src/index.js';
import { fakeResult, saveDenseInput, tempDir } from './helpers.js';

const CONFIG = {
  steps: 4,
  batchSize: 4,
  evalWindows: 2,
  evalProblems: 0,
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
};

beforeAll(async () => {
  await initBackend();
});

describe('bitnet resume', () => {
  it("resumes at the saved step and ends with the uninterrupted run's weights", async () => {
    const root = tempDir('resume-weights');
    const inputDir = path.join(root, 'dense');
    await saveDenseInput(inputDir);
    const options = (runs: string) => ({
      phases: [bitnetPhase],
      runsDir: path.join(root, runs),
      input: fakeResult([{ dir: inputDir, role: 'merged' }]),
      phaseConfigs: { bitnet: CONFIG },
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
  });
});
