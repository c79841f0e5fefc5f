import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';

import { Tracker, metricSeries, readRunStore } from '../../src/track/index.js';
import { TRAINING_COMPUTE_EVENT, TrainConfigSchema, train } from '../../src/train/index.js';
import type { GradientMap, GradientTransform, TrainConfig } from '../../src/train/index.js';
import { microModel, streamSource } from './helpers.js';

beforeAll(async () => {
  await initBackend();
});

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'forge-train-'));
const config = (overrides: Partial<TrainConfig> = {}): TrainConfig =>
  TrainConfigSchema.parse({
    steps: 20,
    batchSize: 4,
    lr: 1e-2,
    warmupSteps: 3,
    checkpointEvery: 5,
    logEvery: 1,
    ...overrides,
  });
const snapshot = (model: ReturnType<typeof microModel>): Map<string, Float32Array> =>
  new Map([...model.namedWeights()].map(([name, v]) => [name, v.dataSync() as Float32Array]));

describe('train', () => {
  it('lowers the loss and records the curve in the run store', async () => {
    const model = microModel();
    const runDir = tmp();
    const tracker = await Tracker.open(['run-store'], { runDir, runId: 'r' });
    const summary = await train({ model, data: streamSource(), config: config({ steps: 40 }), tracker, phase: 'test' });
    await tracker.close();
    const first = summary.losses.slice(0, 3).reduce((a, b) => a + b) / 3;
    const last = summary.losses.slice(-3).reduce((a, b) => a + b) / 3;
    expect(last).toBeLessThan(first * 0.8);
    expect(metricSeries(readRunStore(runDir), 'test', 'loss')).toHaveLength(40);
    model.dispose();
  });

  it('records the tokens it trained once each, across an interrupted call and its resume', async () => {
    const runDir = tmp();
    const stateDir = path.join(tmp(), 'state');
    const tracker = await Tracker.open(['run-store'], { runDir, runId: 'r' });
    const settings = config({ steps: 12, checkpointEvery: 5 });
    const first = microModel();
    await train({ model: first, data: streamSource(), config: settings, stateDir, untilStep: 7, tracker, phase: 'p' });
    first.dispose();
    const resumed = microModel();
    await train({ model: resumed, data: streamSource(), config: settings, stateDir, tracker, phase: 'p' });
    resumed.dispose();
    const plain = microModel();
    await train({ model: plain, data: streamSource(), config: config({ steps: 3 }), tracker, phase: 'q' });
    plain.dispose();
    await tracker.close();
    const tokens = (phase: string): number =>
      readRunStore(runDir)
        .filter(
          (record) => record.type === 'event' && record.event === TRAINING_COMPUTE_EVENT && record.phase === phase,
        )
        .reduce((sum, record) => sum + Number(record.type === 'event' ? record.data?.tokens : 0), 0);
    // 4 rows of 8 predicted tokens (9 columns) per step: 12 steps in all, and 3 without a state directory.
    expect(tokens('p')).toBe(12 * 4 * 8);
    expect(tokens('q')).toBe(3 * 4 * 8);
  });

  it('records tokens × block-stack passes beside the tokens: one pass for a plain model, what blockPasses says else', async () => {
    const runDir = tmp();
    const tracker = await Tracker.open(['run-store'], { runDir, runId: 'r' });
    const plain = microModel();
    await train({ model: plain, data: streamSource(), config: config({ steps: 2 }), tracker, phase: 'plain' });
    // Two micro-batches a step, the first forward of each step making 3 passes and the second 1.
    let calls = 0;
    const pondering = {
      namedWeights: () => plain.namedWeights(),
      loss: plain.loss.bind(plain),
      blockPasses: () => (calls++ % 2 === 0 ? 3 : 1),
    };
    await train({
      model: pondering,
      data: streamSource(),
      config: config({ steps: 2, microBatchSize: 2 }),
      tracker,
      phase: 'act',
    });
    plain.dispose();
    await tracker.close();
    const sum = (phase: string, field: string): number =>
      readRunStore(runDir)
        .filter(
          (record) => record.type === 'event' && record.event === TRAINING_COMPUTE_EVENT && record.phase === phase,
        )
        .reduce((total, record) => total + Number(record.type === 'event' ? record.data?.[field] : 0), 0);
    expect(sum('plain', 'blockPassTokens')).toBe(2 * 4 * 8);
    // Per step: 2 rows × 8 tokens × 3 passes + 2 rows × 8 tokens × 1 pass.
    expect(sum('act', 'tokens')).toBe(2 * 4 * 8);
    expect(sum('act', 'blockPassTokens')).toBe(2 * (2 * 8 * 3 + 2 * 8 * 1));
    // A model whose rows are not token windows says how many tokens it trained on (baking's trajectories).
    const tracker2 = await Tracker.open(['run-store'], { runDir, runId: 'r2' });
    const counted = microModel();
    const counting = {
      namedWeights: () => counted.namedWeights(),
      loss: counted.loss.bind(counted),
      trainedTokens: () => 5,
    };
    await train({
      model: counting,
      data: streamSource(),
      config: config({ steps: 3, microBatchSize: 2 }),
      tracker: tracker2,
      phase: 'rows',
    });
    counted.dispose();
    await tracker2.close();
    expect(sum('rows', 'tokens')).toBe(3 * 2 * 5);
    expect(sum('rows', 'blockPassTokens')).toBe(3 * 2 * 5);
  });

  it('resumes exactly: 10 steps + resume to 20 gives the weights of 20 straight steps', async () => {
    const straight = microModel();
    await train({ model: straight, data: streamSource(), config: config(), stateDir: path.join(tmp(), 'state') });
    const stateDir = path.join(tmp(), 'state');
    const first = microModel();
    await train({ model: first, data: streamSource(), config: config(), stateDir, untilStep: 10 });
    first.dispose();
    const resumed = microModel(99); // a different init: everything must come from the saved state
    const summary = await train({ model: resumed, data: streamSource(), config: config(), stateDir });
    expect(summary.resumedFrom).toBe(10);
    const expected = snapshot(straight);
    for (const [name, values] of snapshot(resumed)) {
      const reference = expected.get(name) ?? new Float32Array();
      const maxDiff = values.reduce((m, x, i) => Math.max(m, Math.abs(x - (reference[i] ?? NaN))), 0);
      expect(maxDiff, name).toBeLessThan(1e-6);
    }
    straight.dispose();
    resumed.dispose();
  });

  it('accumulating micro-batches gives the full-batch update', async () => {
    const full = microModel();
    const micro = microModel();
    await train({ model: full, data: streamSource(), config: config({ steps: 3, microBatchSize: 4 }) });
    const summary = await train({
      model: micro,
      data: streamSource(),
      config: config({ steps: 3, microBatchSize: 1 }),
    });
    expect(summary.microBatch).toBe(1);
    const expected = snapshot(full);
    for (const [name, values] of snapshot(micro)) {
      const reference = expected.get(name) ?? new Float32Array();
      expect(
        values.reduce((m, x, i) => Math.max(m, Math.abs(x - (reference[i] ?? NaN))), 0),
        name,
      ).toBeLessThan(1e-5);
    }
    full.dispose();
    micro.dispose();
  });

  it('leaks no tensors: memory after N steps equals memory after 2N', async () => {
    const model = microModel();
    const data = streamSource();
    await train({ model, data, config: config({ steps: 5 }) });
    const afterN = tf.memory();
    await train({ model, data, config: config({ steps: 10 }) });
    const after2N = tf.memory();
    expect(after2N.numTensors).toBe(afterN.numTensors);
    expect(after2N.numBytes).toBe(afterN.numBytes);
    model.dispose();
  });

  it('passes gradients through the transform hook before the optimizer', async () => {
    const model = microModel();
    const before = snapshot(model);
    const seen: number[] = [];
    const zeroing: GradientTransform = {
      name: 'zero',
      apply(gradients: GradientMap, step: number) {
        seen.push(step);
        const out: GradientMap = new Map();
        for (const [name, grad] of gradients) {
          out.set(name, tf.zerosLike(grad));
          grad.dispose();
        }
        return out;
      },
    };
    await train({
      model,
      data: streamSource(),
      config: config({ steps: 3, weightDecay: 0 }),
      gradientTransforms: [zeroing],
    });
    expect(seen).toEqual([1, 2, 3]);
    for (const [name, values] of snapshot(model)) expect([...values], name).toEqual([...(before.get(name) ?? [])]);
    model.dispose();
  });

  it('stops with a clear message when the loss becomes NaN', async () => {
    const model = microModel();
    const broken = {
      namedWeights: () => model.namedWeights(),
      loss: (tokens: tf.Tensor2D) => tf.mul(model.loss(tokens), Number.NaN) as tf.Scalar,
    };
    await expect(train({ model: broken, data: streamSource(), config: config({ steps: 3 }) })).rejects.toThrow(
      /loss became NaN at step 1/,
    );
    model.dispose();
  });

  it('saves its state and stops when interrupted, then resumes from there', async () => {
    const model = microModel();
    const stateDir = path.join(tmp(), 'state');
    const abort = new AbortController();
    abort.abort();
    await expect(
      train({ model, data: streamSource(), config: config(), stateDir, signal: abort.signal }),
    ).rejects.toThrow(/interrupted at step 1/);
    const summary = await train({ model, data: streamSource(), config: config({ steps: 4 }), stateDir });
    expect(summary.resumedFrom).toBe(1);
    expect(summary.losses).toHaveLength(3);
    model.dispose();
  });
});
