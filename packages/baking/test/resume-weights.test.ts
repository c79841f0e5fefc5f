// An interrupted bake, resumed, ends with the adapter weights of a bake that was never interrupted, on
// the default backend (wasm with the native kernels).
import path from 'node:path';
import { ADAPTERS_DIR, ADAPTER_EXTENSION, initBackend, maxWeightDifference, runPipeline } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PERSONAS, bakingPhase } from '../src/index.js';
import { fakeResult, saveInput, tempDir } from './helpers.js';

const PHASE_MODEL = { vocabSize: 320, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 48 };
const DROP_DEFAULTS = Object.fromEntries(Object.keys(DEFAULT_PERSONAS).map((name) => [name, null]));
const CONFIG = {
  personas: { ...DROP_DEFAULTS, math: '<|persona_2|>Be exact.' },
  tools: { calculator: null },
  mergePersona: null,
  steps: 4,
  batchSize: 4,
  trajectories: 8,
  heldOutInputs: 2,
  inputTokens: 6,
  maxNewTokens: 6,
  latencyInputs: 1,
  rank: 2,
  alpha: 2,
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
};

beforeAll(async () => {
  await initBackend();
});

describe('baking resume', () => {
  it("resumes at the saved step and ends with the uninterrupted bake's adapter", async () => {
    const root = tempDir('resume-weights');
    const inputDir = path.join(root, 'trained');
    await saveInput(inputDir, {}, PHASE_MODEL);
    const options = (runs: string) => ({
      phases: [bakingPhase],
      runsDir: path.join(root, runs),
      input: fakeResult([{ dir: inputDir, role: 'trained' }]),
      phaseConfigs: { baking: CONFIG },
      seed: 1,
    });
    const straight = await runPipeline({ ...options('straight'), runId: 'r1' });
    const abort = new AbortController();
    abort.abort();
    await expect(runPipeline({ ...options('interrupted'), runId: 'r1', signal: abort.signal })).rejects.toThrow(
      /forge run --resume r1/,
    );
    const resumed = await runPipeline({ ...options('interrupted'), resumeRunId: 'r1' });
    expect(straight.result?.metrics['math.resumedFromStep']).toBe(0);
    expect(resumed.result?.metrics['math.resumedFromStep']).toBe(1);
    const adapter = (outcome: typeof straight): string =>
      path.join(outcome.result?.models[0]?.dir ?? '', ADAPTERS_DIR, `math${ADAPTER_EXTENSION}`);
    // Native kernels: the last bit of a sum can depend on heap placement (≤ 3e-8 measured in cognate).
    expect(await maxWeightDifference(adapter(resumed), adapter(straight))).toBeLessThan(1e-6);
  });
});
