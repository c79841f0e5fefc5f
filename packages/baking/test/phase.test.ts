import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADAPTERS_DIR,
  BitNetSettingsSchema,
  bitnetExtension,
  buildModel,
  loadModelCheckpoint,
  loadModelWithAdapters,
  phaseDirName,
  readPhaseResult,
  runPipeline,
  tf,
  useBackend,
} from '@agent-forge/core';
import { BAKED_MODEL_DIR, BakingPhaseConfigSchema, DEFAULT_PERSONAS, bakeJobs, bakingPhase } from '../src/index.js';
import { fakeResult, logitsOf, maxAbsDifference, randomTokens, saveInput, tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const PHASE_MODEL = { vocabSize: 320, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 48 };
const DROP_DEFAULTS = Object.fromEntries(Object.keys(DEFAULT_PERSONAS).map((name) => [name, null]));
const MICRO_PHASE = {
  personas: { ...DROP_DEFAULTS, math: '<|persona_2|>Be exact.', pirate: '<|persona_7|>Arr!' },
  steps: 4,
  batchSize: 4,
  trajectories: 8,
  heldOutInputs: 4,
  inputTokens: 6,
  maxNewTokens: 6,
  latencyInputs: 1,
  rank: 2,
  alpha: 2,
  mergePersona: 'math',
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
};

describe('baking phase', () => {
  it('bakes every prompt, reports KL and latency per prompt, saves base + adapters that load back', async () => {
    const root = tempDir('phase');
    const inputDir = path.join(root, 'trained');
    await saveInput(inputDir, {}, PHASE_MODEL);
    const input = fakeResult([
      { dir: path.join(root, 'decoy'), role: 'candidate' },
      { dir: inputDir, role: 'trained' },
    ]);
    const outcome = await runPipeline({
      phases: [bakingPhase],
      runsDir: path.join(root, 'runs'),
      input,
      phaseConfigs: { baking: MICRO_PHASE },
      seed: 1,
    });
    const result = readPhaseResult(path.join(outcome.runDir, phaseDirName('baking')));
    const { metrics } = result;
    expect(metrics.adapters).toBe(3);
    for (const name of ['math', 'pirate', 'calculator']) {
      for (const key of ['klBase', 'klBaked', 'klReductionPct', 'promptTokens', 'latencySavedMs', 'finalLoss']) {
        expect(Number.isFinite(metrics[`${name}.${key}`]), `${name}.${key}`).toBe(true);
      }
      expect(metrics[`${name}.bakeSteps`]).toBe(4);
      expect(metrics[`${name}.klBase`]).toBeGreaterThan(0);
    }
    // Shares of the 4 held-out generations (their values are checked in marker-rates.test.ts): k/4, k in 0..4.
    for (const key of ['markerRateBase', 'markerRatePrompted', 'markerRateBaked'])
      expect([0, 0.25, 0.5, 0.75, 1], key).toContain(metrics[`calculator.${key}`]);
    expect(readFileSync(result.artifacts.report as string, 'utf8')).toMatch(/\| pirate \| \d+ \|/);

    const [baked, merged] = result.models;
    expect(baked?.role).toBe('baked');
    expect(baked?.dir).toBe(path.join(outcome.runDir, phaseDirName('baking'), BAKED_MODEL_DIR));
    expect(readdirSync(path.join(baked?.dir as string, ADAPTERS_DIR)).sort()).toEqual([
      'calculator.safetensors',
      'math.safetensors',
      'pirate.safetensors',
    ]);
    expect(merged?.role).toBe('baked-merged');

    const tokens = randomTokens(1, 1, 10, 320);
    const original = await loadModelCheckpoint(inputDir);
    const loaded = await loadModelWithAdapters(baked?.dir as string);
    const base = logitsOf(original.model, tokens);
    expect(logitsOf(loaded.model, tokens)).toEqual(base);
    loaded.usePersona('math');
    const withMath = logitsOf(loaded.model, tokens);
    expect(maxAbsDifference(tf.tensor(withMath), tf.tensor(base))).toBeGreaterThan(0);
    const mergedModel = await loadModelCheckpoint(merged?.dir as string);
    expect(maxAbsDifference(tf.tensor(logitsOf(mergedModel.model, tokens)), tf.tensor(withMath))).toBeLessThan(1e-4);
    for (const model of [original.model, mergedModel.model]) model.dispose();
    loaded.dispose();
  });

  it('keeps a BitNet input’s packed file (written by the save hook, same bytes) and bakes over BitLinear layers', async () => {
    const root = tempDir('bitnet');
    const inputDir = path.join(root, 'ternary');
    const probe = buildModel(PHASE_MODEL);
    const extension = bitnetExtension(probe, BitNetSettingsSchema.parse({}));
    probe.dispose();
    await saveInput(inputDir, { bitnet: extension }, PHASE_MODEL);
    const config = {
      ...MICRO_PHASE,
      personas: { ...DROP_DEFAULTS, math: '<|persona_2|>Be exact.' },
      tools: { calculator: null },
      mergePersona: null,
    };
    const outcome = await runPipeline({
      phases: [bakingPhase],
      runsDir: path.join(root, 'runs'),
      input: fakeResult([{ dir: inputDir, role: 'ternary' }]),
      phaseConfigs: { baking: config },
      seed: 2,
    });
    const dir = outcome.result?.models[0]?.dir as string;
    expect(readFileSync(path.join(dir, extension.packedFile))).toEqual(
      readFileSync(path.join(inputDir, extension.packedFile)),
    );
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')).extensions).toEqual({ bitnet: extension });
    expect(outcome.result?.metrics['math.klBaked']).toBeLessThan(outcome.result?.metrics['math.klBase'] as number);
  });
});

describe('baking resume', () => {
  it('continues an interrupted bake from its saved training state', async () => {
    const root = tempDir('resume');
    const inputDir = path.join(root, 'trained');
    await saveInput(inputDir, {}, PHASE_MODEL);
    const config = {
      ...MICRO_PHASE,
      personas: { ...DROP_DEFAULTS, math: '<|persona_2|>Be exact.' },
      tools: { calculator: null },
      mergePersona: null,
    };
    const options = {
      phases: [bakingPhase],
      runsDir: path.join(root, 'runs'),
      input: fakeResult([{ dir: inputDir, role: 'trained' }]),
      phaseConfigs: { baking: config },
      seed: 1,
    };
    const abort = new AbortController();
    abort.abort();
    await expect(runPipeline({ ...options, runId: 'r1', signal: abort.signal })).rejects.toThrow(
      /forge run --resume r1/,
    );
    const outcome = await runPipeline({ ...options, resumeRunId: 'r1' });
    expect(outcome.result?.metrics['math.resumedFromStep']).toBe(1);
    expect(outcome.result?.metrics['math.bakeSteps']).toBe(4);
    expect(Number.isFinite(outcome.result?.metrics['math.klBaked'])).toBe(true);
  });
});

describe('baking config', () => {
  it('bakes the nine personas and the calculator by default; users edit, add and drop prompts', () => {
    const defaults = BakingPhaseConfigSchema.parse({});
    expect(Object.keys(defaults.personas)).toEqual([
      'reasoning',
      'memory',
      'math',
      'code',
      'translation',
      'summarization',
      'qa',
      'creative',
      'general',
    ]);
    expect(bakeJobs(defaults).map((job) => job.name)).toEqual([...Object.keys(defaults.personas), 'calculator']);
    const edited = BakingPhaseConfigSchema.parse({
      personas: { math: 'Numbers only.', creative: null, pirate: 'Arr.' },
    });
    expect(edited.personas.math).toBe('Numbers only.');
    expect(edited.personas.pirate).toBe('Arr.');
    expect('creative' in edited.personas).toBe(false);
    expect(() => bakeJobs(BakingPhaseConfigSchema.parse({ mergePersona: 'pirate' }))).toThrow(
      /mergePersona 'pirate' is not baked here/,
    );
    expect(BakingPhaseConfigSchema.safeParse({ personas: { 'Q&A': 'x' } }).success).toBe(false);
  });

  it('fails clearly without an input, and names the prompt that does not fit the context', async () => {
    const root = tempDir('errors');
    const runsDir = path.join(root, 'runs');
    await expect(
      runPipeline({ phases: [bakingPhase], runsDir, phaseConfigs: { baking: MICRO_PHASE } }),
    ).rejects.toThrow(/baking needs a model: run after forge-train/);
    const inputDir = path.join(root, 'trained');
    await saveInput(inputDir, {}, PHASE_MODEL);
    const long = {
      ...MICRO_PHASE,
      personas: { ...DROP_DEFAULTS, verbose: 'A very long system prompt. '.repeat(4) },
      tools: { calculator: null },
      mergePersona: null,
    };
    await expect(
      runPipeline({
        phases: [bakingPhase],
        runsDir,
        input: fakeResult([{ dir: inputDir, role: 'trained' }]),
        phaseConfigs: { baking: long },
      }),
    ).rejects.toThrow(/personas\.verbose.*over the model's context of 48/);
  });
});
