import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_PRESETS, Rng, TitanRunner, countParameters, tf, titanRunnerOf, useBackend } from '@agent-forge/core';
import {
  CognatePhaseConfigSchema,
  SEED_VARIANTS,
  cognateModelConfig,
  cognatePresetDefaults,
  createCognateModel,
  variantSettings,
} from '../src/index.js';
import { MICRO_MODEL } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const config = CognatePhaseConfigSchema.parse({ chunkSize: 4 });

describe('cognate variants', () => {
  it('share one initialisation: identical names, shapes and values, whatever the thresholds', () => {
    const model = cognateModelConfig('tiny', MICRO_MODEL);
    const models = SEED_VARIANTS.map((variant) => createCognateModel(model, variant, config, 7));
    const [first, ...rest] = models.map((m) => m.namedWeights());
    for (const weights of rest) {
      expect([...weights.keys()]).toEqual([...(first as Map<string, tf.Variable>).keys()]);
      for (const [name, weight] of weights) {
        expect(
          tf.tidy(() => tf.max(tf.abs(tf.sub(weight, first?.get(name) as tf.Variable))).dataSync()[0]),
          name,
        ).toBe(0);
      }
    }
    models.forEach((m) => m.dispose());
  });

  it('ponder no longer at a lower ACT threshold, position by position, on the same input', () => {
    const model = cognateModelConfig('tiny', MICRO_MODEL);
    const rng = Rng.fromSeed(3);
    const tokens = tf.tensor2d(
      Int32Array.from({ length: 48 }, () => rng.int(0, MICRO_MODEL.vocabSize - 1)),
      [4, 12],
      'int32',
    );
    const stepsOf = SEED_VARIANTS.map((variant) => {
      const built = createCognateModel(model, variant, config, 7);
      built.forward(tokens);
      const steps = Array.from(titanRunnerOf(built).lastStats().ponderSteps);
      built.dispose();
      return { threshold: variant.actThreshold, steps };
    }).sort((a, b) => a.threshold - b.threshold);
    for (let i = 1; i < stepsOf.length; i++) {
      stepsOf[i - 1]?.steps.forEach((steps, position) =>
        expect(steps).toBeLessThanOrEqual(stepsOf[i]?.steps[position] as number),
      );
    }
  });

  it('scales the memory capacity by preset and keeps the seed plan’s thresholds', () => {
    const tiny = CognatePhaseConfigSchema.parse(cognatePresetDefaults('tiny'));
    const settings = SEED_VARIANTS.map((variant) => variantSettings(variant, tiny));
    expect(settings.map((s) => s.memory?.capacity)).toEqual([128, 256, 64]);
    expect(settings.map((s) => s.act?.threshold)).toEqual([0.95, 0.9, 0.99]);
    expect(settings.map((s) => s.memory?.surpriseThreshold)).toEqual([0.7, 0.5, 0.3]);
  });

  it('lands within ±10% of 25M parameters at the paper preset', () => {
    const paper = cognateModelConfig('paper', {});
    const runner = new TitanRunner(
      paper,
      variantSettings(SEED_VARIANTS[0] as (typeof SEED_VARIANTS)[number], CognatePhaseConfigSchema.parse({})),
    );
    let extra = 0;
    for (const weight of runner.weights.values()) extra += weight.size;
    const total = countParameters(paper) + extra;
    expect(paper).toEqual(MODEL_PRESETS.paper);
    expect(Math.abs(total - 25_000_000) / 25_000_000).toBeLessThan(0.1);
    runner.weights.forEach((weight) => weight.dispose());
  });
});
