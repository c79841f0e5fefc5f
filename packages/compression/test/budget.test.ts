// selectWithinBudget on its own: a real model and real candidate ladders (2-bit and 4-bit round-to-nearest,
// then lossless fp32), and a loss computed here, independently of the budget code: 1 + the squared
// distance of the model's weights from the originals. The baseline is then exactly 1.
import { Rng, TinyTitan, tf, useBackend } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerGroup, parseMethodSettings, planTensor, selectWithinBudget } from '../src/index.js';
import type { CandidateSpec, TensorPlan } from '../src/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const spec = (label: string, method: string, settings: unknown): CandidateSpec => ({
  label,
  method,
  settings: parseMethodSettings(method, settings, label),
  matricesOnly: false,
});
const SPECS = [spec('int2', 'rtn', { bits: 2 }), spec('int4', 'rtn', { bits: 4 }), spec('fp32', 'fp32', {})];

function setUp(): { model: TinyTitan; plans: TensorPlan[]; loss: () => number } {
  const model = new TinyTitan({ vocabSize: 40, dModel: 16, nLayers: 2, nHeads: 2, contextLength: 8 }, { seed: 2 });
  const originals = new Map([...model.namedWeights()].map(([name, w]) => [name, w.dataSync() as Float32Array]));
  const rng = Rng.fromSeed(1);
  const plans = [...model.namedWeights()].map(([name, w]) =>
    planTensor(name, originals.get(name) as Float32Array, w.shape, {
      specs: SPECS,
      maxRelativeError: 10,
      minElements: 0,
      rng,
    }),
  );
  const loss = (): number => {
    let distance = 0;
    for (const [name, w] of model.namedWeights()) {
      const now = w.dataSync();
      const was = originals.get(name) as Float32Array;
      for (let i = 0; i < now.length; i++) distance += ((now[i] as number) - (was[i] as number)) ** 2;
    }
    return 1 + distance;
  };
  return { model, plans, loss };
}

/** The loss with every tensor at its smallest candidate: what the budget would give with no step-ups. */
function smallestEverywhereLoss(): number {
  const { model, plans, loss } = setUp();
  selectWithinBudget(model, plans, loss, 1e9);
  const value = loss();
  model.dispose();
  return value;
}

describe('selectWithinBudget', () => {
  it('checks the layer groups in model order, each against baseline·(1 + maxLossIncrease·(g+1)/G)', () => {
    const { model, plans, loss } = setUp();
    const outcome = selectWithinBudget(model, plans, loss, 0.3);
    expect(outcome.baselineLoss).toBe(1);
    expect(outcome.groups.map((g) => g.group)).toEqual(['embeddings', 'blocks.0', 'blocks.1', 'other']);
    const G = outcome.groups.length;
    outcome.groups.forEach((group, g) => {
      expect(group.allowedLoss).toBeCloseTo(1 + (0.3 * (g + 1)) / G, 12);
      expect(group.loss).toBeLessThanOrEqual(group.allowedLoss);
    });
    expect(outcome.groups.reduce((n, g) => n + g.tensors, 0)).toBe(plans.length);
    expect(outcome.evaluations).toBe(1 + outcome.groups.reduce((n, g) => n + g.stepUps + 1, 0));
    model.dispose();
  });

  it('with room to spare keeps every tensor at its smallest candidate, and the model holds those weights', () => {
    const { model, plans, loss } = setUp();
    const outcome = selectWithinBudget(model, plans, loss, 1e9);
    expect(plans.every((plan) => plan.chosen === 0 && plan.ladder[0]?.label === 'int2')).toBe(true);
    expect(outcome.groups.every((g) => g.stepUps === 0)).toBe(true);
    expect(outcome.finalLoss).toBe(loss());
    expect(outcome.finalLoss).toBeGreaterThan(1.01); // 2-bit rounding really moves the weights
    model.dispose();
  });

  it('when the smallest candidates break the budget, steps up the worst tensors until it holds', () => {
    const worst = smallestEverywhereLoss();
    const maxLossIncrease = (worst - 1) / 4; // a quarter of what 2 bits everywhere costs
    const { model, plans, loss } = setUp();
    const outcome = selectWithinBudget(model, plans, loss, maxLossIncrease);
    expect(outcome.finalLoss).toBe(loss()); // the model holds the chosen weights
    expect(outcome.finalLoss).toBeLessThanOrEqual(1 + maxLossIncrease);
    const stepped = plans.filter((plan) => plan.chosen > 0);
    expect(stepped.length).toBeGreaterThan(0);
    expect(stepped.length).toBeLessThan(plans.length); // only as many as the budget needs
    // In each group the tensors stepped up are the ones with the largest 2-bit error.
    for (const group of outcome.groups.filter((g) => g.stepUps > 0)) {
      const members = plans.filter((plan) => layerGroup(plan.name) === group.group);
      const error = (plan: TensorPlan): number => plan.ladder[0]?.relativeError ?? 0;
      const leastSteppedError = Math.min(...members.filter((p) => p.chosen > 0).map(error));
      const mostKeptError = Math.max(0, ...members.filter((p) => p.chosen === 0).map(error));
      expect(leastSteppedError, group.group).toBeGreaterThanOrEqual(mostKeptError);
    }
    model.dispose();
  });

  it('holds no tensors of its own: as many after N budget runs as after 2N', () => {
    const { model, plans, loss } = setUp();
    const runs = (count: number): void => {
      for (let i = 0; i < count; i++) {
        for (const plan of plans) plan.chosen = 0;
        selectWithinBudget(model, plans, loss, 0.05);
      }
    };
    const before = tf.memory().numTensors;
    runs(2);
    const afterN = tf.memory().numTensors;
    runs(2);
    expect(tf.memory().numTensors).toBe(afterN);
    expect(afterN).toBe(before);
    model.dispose();
  });

  it('with no allowance ends lossless: the loss is the baseline and the weights are the originals', () => {
    const { model, plans, loss } = setUp();
    const outcome = selectWithinBudget(model, plans, loss, 0);
    expect(outcome.finalLoss).toBe(1);
    expect(loss()).toBe(1);
    model.dispose();
  });
});
