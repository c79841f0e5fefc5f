import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { tf } from '../../src/backend/tf.js';
import { TinyTitan, createTitanModel, ponder, ponderingLoss, titanRunnerOf } from '../../src/model/index.js';
import { MICRO, maxAbsDifference, randomTokens } from './helpers.js';

/** A stand-in transition that marks each step in the state, so the mix of states is readable. */
const stepValueTransition = (state: tf.Tensor3D, step: number) => tf.add(tf.mul(state, 0), step) as tf.Tensor3D;

/** Halting probabilities given per step, the same for every position. */
function scriptedHalting(probabilities: number[]): (state: tf.Tensor3D) => tf.Tensor2D {
  let step = 0;
  return (state) => tf.fill([state.shape[0], state.shape[1]], probabilities[step++] ?? 0) as tf.Tensor2D;
}

const noMemory = { memory: { enabled: false } };

describe('ACT halting (Graves 2016)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('reproduces the hand example h = [0.3, 0.5, 0.4], ε = 0.01: N = 3, R = 0.2, p = [0.3, 0.5, 0.2]', () => {
    const input = tf.zeros([1, 1, 1]) as tf.Tensor3D;
    const outcome = ponder(input, scriptedHalting([0.3, 0.5, 0.4]), stepValueTransition, {
      threshold: 0.99,
      maxSteps: 10,
      stopWhenAllHalted: true,
    });
    expect(outcome.steps.dataSync()[0]).toBe(3);
    expect(outcome.remainders.dataSync()[0]).toBeCloseTo(0.2, 6);
    // Output = Σ p_n · n = 0.3·1 + 0.5·2 + 0.2·3.
    expect(outcome.output.dataSync()[0]).toBeCloseTo(0.3 + 1.0 + 0.6, 5);
    expect((outcome.steps.dataSync()[0] ?? 0) + (outcome.remainders.dataSync()[0] ?? 0)).toBeCloseTo(3.2, 6);
    expect(outcome.passes).toBe(3);
  });

  it('counts the passes it made: the longest-pondering position when stopping early, every step when not', () => {
    // Position 0 halts at step 1 (h 0.995), position 1 at step 2 (0.6 + 0.6).
    const twoPositions = (_state: tf.Tensor3D) => tf.tensor2d([[0.995, 0.6]]) as tf.Tensor2D;
    const input = tf.zeros([1, 2, 1]) as tf.Tensor3D;
    const settings = { threshold: 0.99, maxSteps: 5 };
    const early = ponder(input, twoPositions, stepValueTransition, { ...settings, stopWhenAllHalted: true });
    expect(Array.from(early.steps.dataSync())).toEqual([1, 2]);
    expect(early.passes).toBe(2);
    const cached = ponder(input, twoPositions, stepValueTransition, { ...settings, stopWhenAllHalted: false });
    expect(cached.passes).toBe(5);
  });

  it("reports the training forward's passes to the training loop (ponderingLoss.blockPasses)", () => {
    const model = createTitanModel(MICRO, { ...noMemory, act: { threshold: 0.99, maxSteps: 4 } }, { seed: 4 });
    const objective = ponderingLoss(model);
    expect(objective.blockPasses()).toBe(1);
    const tokens = randomTokens(3, 2, 9, MICRO.vocabSize);
    titanRunnerOf(model).halting.bias.assign(tf.tensor1d([-5])); // h ≈ 0: every position runs to the cap
    objective.loss(tokens).dispose();
    expect(objective.blockPasses()).toBe(4);
    titanRunnerOf(model).halting.bias.assign(tf.tensor1d([8])); // h ≈ 1: every position halts at step 2
    objective.loss(tokens).dispose();
    expect(objective.blockPasses()).toBe(Math.max(...titanRunnerOf(model).lastStats().ponderSteps));
    model.dispose();
  });

  it('halts at the cap with the remainder, and the halting weights sum to exactly 1', () => {
    const input = tf.zeros([1, 1, 1]) as tf.Tensor3D;
    const capped = ponder(
      input,
      scriptedHalting([0.1, 0.1, 0.1]),
      (state) => tf.add(tf.mul(state, 0), 1) as tf.Tensor3D,
      { threshold: 0.99, maxSteps: 3, stopWhenAllHalted: true },
    );
    expect(capped.steps.dataSync()[0]).toBe(3);
    expect(capped.remainders.dataSync()[0]).toBeCloseTo(0.8, 6);
    // Every state is 1, so the output is Σ p.
    expect(capped.output.dataSync()[0]).toBeCloseTo(1, 6);
  });

  it('ponders longer at threshold 0.99 than at 0.90 on the same input and weights, position by position', () => {
    const tokens = randomTokens(1, 4, 12, MICRO.vocabSize);
    const stepsAt = (threshold: number) => {
      const model = createTitanModel(MICRO, { ...noMemory, act: { threshold, maxSteps: 6 } }, { seed: 4 });
      // A halting bias near 0 puts h around 0.5, where the two thresholds disagree on many positions.
      titanRunnerOf(model).halting.bias.assign(tf.tensor1d([-0.3]));
      model.forward(tokens);
      const stats = titanRunnerOf(model).lastStats();
      model.dispose();
      return { mean: stats.meanPonderSteps, perPosition: Array.from(stats.ponderSteps) };
    };
    const loose = stepsAt(0.9);
    const strict = stepsAt(0.99);
    expect(strict.mean).toBeGreaterThan(loose.mean);
    loose.perPosition.forEach((steps, index) => expect(steps).toBeLessThanOrEqual(strict.perPosition[index] as number));
  });

  it('sends the ponder cost’s gradient to the halting unit, pushing the halting bias up', () => {
    const model = createTitanModel(
      MICRO,
      { ...noMemory, act: { threshold: 0.99, maxSteps: 4, ponderCost: 1 } },
      { seed: 2 },
    );
    const runner = titanRunnerOf(model);
    const tokens = randomTokens(5, 2, 9, MICRO.vocabSize);
    const withCost = ponderingLoss(model);
    const { grads } = tf.variableGrads(() => withCost.loss(tokens), [runner.halting.weight, runner.halting.bias]);
    const { grads: plainGrads } = tf.variableGrads(() => model.loss(tokens), [runner.halting.bias]);
    const costGradient =
      (grads[runner.halting.bias.name]?.dataSync()[0] ?? 0) -
      (plainGrads[runner.halting.bias.name]?.dataSync()[0] ?? 0);
    // d(τ·R)/db < 0: raising h shrinks the remainder, so descent raises the bias and pondering shortens.
    expect(costGradient).toBeLessThan(0);
    expect(tf.tidy(() => tf.sum(tf.abs(grads[runner.halting.weight.name] as tf.Tensor)).dataSync()[0])).toBeGreaterThan(
      0,
    );
    model.dispose();
  });

  it('reports N + R as the ponder cost and adds exactly τ times it to the training loss', () => {
    const model = createTitanModel(MICRO, { ...noMemory, act: { maxSteps: 3, ponderCost: 0.25 } }, { seed: 3 });
    const tokens = randomTokens(7, 2, 9, MICRO.vocabSize);
    const plain = model.loss(tokens).dataSync()[0] ?? 0;
    const total = ponderingLoss(model).loss(tokens).dataSync()[0] ?? 0;
    const stats = titanRunnerOf(model).lastStats();
    expect(stats.meanPonderSteps).toBeGreaterThanOrEqual(1);
    expect(stats.maxPonderSteps).toBeLessThanOrEqual(3);
    expect(stats.ponderCost).toBeGreaterThan(stats.meanPonderSteps);
    expect(total - plain).toBeCloseTo(0.25 * stats.ponderCost, 5);
    model.dispose();
  });

  it('is exactly the plain transformer with ACT and memory switched off', () => {
    const tokens = randomTokens(8, 2, 10, MICRO.vocabSize);
    const plain = new TinyTitan(MICRO, { seed: 5 });
    const off = createTitanModel(MICRO, { act: { enabled: false }, memory: { enabled: false } }, { seed: 5 });
    expect(maxAbsDifference(off.forward(tokens), plain.forward(tokens))).toBe(0);
    expect(titanRunnerOf(off).lastStats().maxPonderSteps).toBe(1);
    plain.dispose();
    off.dispose();
  });
});
