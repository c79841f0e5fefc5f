import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  LoraAdapters,
  MODEL_PRESETS,
  buildModel,
  loadAdapterFile,
  loraExtension,
  saveAdapterFile,
  tf,
  useBackend,
} from '@agent-forge/core';
import { bakeObjective } from '../src/bake.js';
import {
  DEFAULT_PERSONAS,
  bakeAdapter,
  encodePrompt,
  loraTargetLayers,
  meanKl,
  sampleTrajectories,
} from '../src/index.js';
import { logitsOf, microInputs, microTokenizer, randomTokens, tempDir, trainConfig } from './helpers.js';

beforeEach(async () => {
  await useBackend('wasm');
});

const TINY = MODEL_PRESETS.tiny;

describe('bakeAdapter on the tiny preset', () => {
  it('cuts held-out KL(prompted ‖ unprompted) by more than half, and the baked adapter survives save → load exactly', async () => {
    const targets = loraTargetLayers(TINY, ['q', 'k', 'v', 'o']);
    const model = buildModel(TINY, { lora: loraExtension(targets) }, { seed: 3 });
    const adapters = LoraAdapters.of(model);
    const promptIds = encodePrompt(microTokenizer(), DEFAULT_PERSONAS.math as string, 'math');
    const sampling = { maxNewTokens: 8, temperature: 1, seed: 1, stopTokens: [] };
    const trainSet = await sampleTrajectories(model, adapters, promptIds, microInputs(24, 11, 8), sampling);
    const heldOut = await sampleTrajectories(model, adapters, promptIds, microInputs(8, 99, 8), {
      ...sampling,
      seed: 1000,
    });
    const before = meanKl(model, adapters, promptIds, heldOut, null);
    const { training } = await bakeAdapter(model, adapters, {
      name: 'math',
      promptIds,
      trajectories: trainSet,
      shape: { rank: 4, alpha: 4 },
      seed: 2,
      train: trainConfig({ steps: 16 }),
    });
    // Sampling and baking ran on wasm (the default backend, a tenth of cpu's time); the save → load checks are
    // exact, so they run on cpu, whose sums do not depend on where the wasm heap placed the operands.
    await useBackend('cpu');
    const after = meanKl(model, adapters, promptIds, heldOut, 'math');
    expect(training.step).toBe(16);
    expect(after).toBeLessThan(0.5 * before);

    const file = path.join(tempDir('bake'), 'math.safetensors');
    await saveAdapterFile(file, adapters, 'math', DEFAULT_PERSONAS.math as string);
    const tokens = randomTokens(7, 2, 12, TINY.vocabSize);
    adapters.activate('math');
    const expected = logitsOf(model, tokens);
    const fresh = buildModel(TINY, { lora: loraExtension(targets) }, { seed: 3 });
    const loaded = LoraAdapters.of(fresh);
    await loadAdapterFile(file, loaded);
    expect(logitsOf(fresh, tokens)).not.toEqual(expected);
    loaded.activate('math');
    expect(logitsOf(fresh, tokens)).toEqual(expected);
    expect(meanKl(fresh, loaded, promptIds, heldOut, 'math')).toBeCloseTo(after, 10);
    for (const handle of [adapters, loaded]) handle.dispose();
    model.dispose();
    fresh.dispose();
  });
});

describe('bakeObjective', () => {
  it("reports the student's tokens to the training loop's compute record (its rows are trajectory indices)", () => {
    const targets = loraTargetLayers(TINY, ['q', 'v']);
    const model = buildModel(TINY, { lora: loraExtension(targets) }, { seed: 3 });
    const adapters = LoraAdapters.of(model);
    adapters.create('terse', { rank: 2, alpha: 2 }, 1);
    const trajectories = [
      { input: [5, 6, 7], continuation: [8, 9] },
      { input: [5, 6, 7, 10, 11], continuation: [12, 13, 14] },
    ];
    const objective = bakeObjective(model, adapters, 'terse', [20, 21], trajectories);
    expect(objective.trainedTokens?.()).toBe(0);
    objective.loss(tf.tensor2d([0, 1], [2, 1], 'int32')).dispose();
    // Two rows padded to the longer one: 5 input + 3 continuation − 1 (the last token is only predicted).
    expect(objective.trainedTokens?.()).toBe(2 * 7);
    objective.loss(tf.tensor2d([0], [1, 1], 'int32')).dispose();
    expect(objective.trainedTokens?.()).toBe(3 + 2 - 1);
    adapters.dispose();
    model.dispose();
  });
});
