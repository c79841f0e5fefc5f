import { beforeAll, describe, expect, it } from 'vitest';
import { ForgeError, tf, useBackend } from '@agent-forge/core';
import {
  EpochBatches,
  GrokfastArmSession,
  GrokfastDemoOptionsSchema,
  grokfastCurvesSvg,
  grokfastTable,
  parseGrokfastDemoOptions,
  referenceWarmupLr,
  runGrokfastArm,
  type GrokfastArm,
  type GrokfastRun,
} from '../src/index.js';
import { tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const readAll = (tensors: Map<string, tf.Tensor>): Map<string, Float32Array> =>
  new Map([...tensors].map(([name, tensor]) => [name, Float32Array.from(tensor.dataSync())]));

/** Largest |a − b| over all weights, relative to the largest |b|. */
function relativeError(actual: Map<string, Float32Array>, expected: Map<string, Float32Array>): number {
  let diff = 0;
  let scale = 1e-12;
  for (const [name, values] of expected) {
    const got = actual.get(name);
    if (!got) throw new Error(`missing ${name}`);
    values.forEach((value, i) => {
      diff = Math.max(diff, Math.abs((got[i] as number) - value));
      scale = Math.max(scale, Math.abs(value));
    });
  }
  return diff / scale;
}

/** The slow gradient each filter adds (times λ), from the raw gradients so far, computed here independently. */
const SLOW: Record<string, (history: Float32Array[], settings: Record<string, number>) => Float32Array | undefined> = {
  ema: (history, { alpha }) => {
    let mu = history[0] as Float32Array;
    for (const g of history.slice(1))
      mu = mu.map((value, i) => (alpha as number) * value + (1 - (alpha as number)) * (g[i] as number));
    return mu;
  },
  ma: (history, { windowSize }) => {
    if (history.length < (windowSize as number)) return undefined;
    const window = history.slice(-(windowSize as number));
    return (window[0] as Float32Array).map(
      (_, i) => window.reduce((sum, g) => sum + (g[i] as number), 0) / window.length,
    );
  },
};

describe('Grokfast reproduction at the reference setting', () => {
  it('defaults to the reference: x·y mod 97, half for training, Adam + coupled L2 per README run, warm-up, batch 512', () => {
    const options = GrokfastDemoOptionsSchema.parse({});
    expect(options).toMatchObject({
      operation: 'multiply',
      modulus: 97,
      trainFraction: 0.5,
      batchSize: 512,
      lr: 1e-3,
      beta1: 0.9,
      beta2: 0.98,
      eps: 1e-8,
      warmupSteps: 10,
      dModel: 128,
      nLayers: 2,
      nHeads: 4,
      targetAccuracy: 0.95,
    });
    expect(options.arms.map((arm) => [arm.filter ?? 'baseline', arm.settings, arm.weightDecay])).toEqual([
      ['baseline', {}, 0],
      ['ma', { windowSize: 100, lambda: 5 }, 0.01],
      ['ema', { alpha: 0.98, lambda: 2 }, 0.005],
    ]);
    expect(() => parseGrokfastDemoOptions({ weightDecay: 1 } as never)).toThrow(ForgeError);
    expect(() => parseGrokfastDemoOptions({ evalEvery: 25 } as never)).toThrow(/evalEvery/);
  });

  it("warm-up as the reference's LambdaLR: update 1 at lr 0, full rate from update 11", () => {
    const rates = Array.from({ length: 12 }, (_, i) => referenceWarmupLr(i + 1, 1e-3, 10));
    expect(rates[0]).toBe(0);
    expect(rates[5]).toBeCloseTo(5e-4, 12);
    expect(rates[9]).toBeCloseTo(9e-4, 12);
    expect(rates.slice(10)).toEqual([1e-3, 1e-3]);
  });

  for (const [filter, settings] of [
    ['ema', { alpha: 0.9, lambda: 2 }],
    ['ma', { windowSize: 2, lambda: 5 }],
  ] as const) {
    it(`${filter} arm end to end on x·y mod 97: the update is Adam on g + λ·slow(g) + wd·w, nothing else`, () => {
      const options = parseGrokfastDemoOptions({ dModel: 16, nLayers: 1, nHeads: 2, batchSize: 64 });
      const arm: GrokfastArm = { label: filter, filter, settings, weightDecay: 0.05 };
      const session = new GrokfastArmSession(arm, 0, options);
      const history = new Map<string, Float32Array[]>();
      const moments = { m: new Map<string, Float32Array>(), v: new Map<string, Float32Array>() };
      const { beta1, beta2, eps, lr, warmupSteps } = options;
      try {
        for (let step = 1; step <= 4; step++) {
          const twin = new EpochBatches(session.split.train, options.batchSize, 0);
          twin.restore(session.batches.state());
          const batch = twin.next();
          const before = readAll(session.model.namedWeights());
          const { gradients } = session.backward(batch.tokens, batch.rows);
          const raw = readAll(gradients);
          tf.dispose([...gradients.values()]);
          session.trainStep();
          const expected = { filtered: new Map<string, Float32Array>(), unfiltered: new Map<string, Float32Array>() };
          for (const [name, g] of raw) {
            const past = [...(history.get(name) ?? []), g];
            history.set(name, past);
            const slow = SLOW[filter]?.(past, settings);
            const w = before.get(name) as Float32Array;
            const applied = g.map(
              (value, i) => value + settings.lambda * (slow?.[i] ?? 0) + arm.weightDecay * (w[i] as number),
            );
            const m = applied.map((value, i) => beta1 * (moments.m.get(name)?.[i] ?? 0) + (1 - beta1) * value);
            const v = applied.map((value, i) => beta2 * (moments.v.get(name)?.[i] ?? 0) + (1 - beta2) * value * value);
            moments.m.set(name, m);
            moments.v.set(name, v);
            const rate = (lr * Math.min(warmupSteps, step - 1)) / warmupSteps; // update 1 at lr 0
            // The update itself (not the weights, which dwarf it): exactly 0 at update 1 (lr 0).
            const update = w.map((_, i) => {
              const mHat = (m[i] as number) / (1 - beta1 ** step);
              const vHat = (v[i] as number) / (1 - beta2 ** step);
              return -(rate * mHat) / (Math.sqrt(vHat) + eps);
            });
            const after = Float32Array.from(session.model.namedWeights().get(name)?.dataSync() ?? []);
            const moved = after.map((value, i) => value - (w[i] as number));
            expected.filtered.set(name, m);
            expected.unfiltered.set(
              name,
              g.map((value, i) => value + arm.weightDecay * (w[i] as number)),
            );
            const error = relativeError(new Map([[name, moved]]), new Map([[name, update]]));
            if (step === 1)
              expect(
                moved.every((value) => value === 0),
                `${name}: lr 0 at update 1`,
              ).toBe(true);
            else expect(error, `${name} update at step ${step}`).toBeLessThan(1e-2);
          }
          const state = session.optimizer.state();
          const firstMoments = new Map(
            [...expected.filtered.keys()].map((name) => [
              name,
              Float32Array.from(state.get(`${name}.m`)?.dataSync() ?? []),
            ]),
          );
          expect(relativeError(firstMoments, expected.filtered), `Adam's m at step ${step}`).toBeLessThan(1e-4);
          if (step > 1) {
            // The same check against an unfiltered update must fail: the test can tell the filter is there.
            const plain = new Map(
              [...expected.unfiltered].map(([name, g]) => [name, g.map((value) => (1 - beta1) * value)]),
            );
            expect(relativeError(firstMoments, plain)).toBeGreaterThan(0.05);
          }
        }
      } finally {
        session.dispose();
      }
    });
  }

  it('a run saved mid-way and resumed continues exactly as an uninterrupted one', async () => {
    const base = {
      operation: 'add' as const,
      modulus: 11,
      dModel: 16,
      nLayers: 1,
      nHeads: 2,
      batchSize: 16,
      seeds: [3],
    };
    const arm: GrokfastArm = { label: 'ma', filter: 'ma', settings: { windowSize: 3, lambda: 5 }, weightDecay: 0.01 };
    const dir = tempDir('grokfast-resume');
    const first = await runGrokfastArm(arm, 3, parseGrokfastDemoOptions({ ...base, maxSteps: 8 }), {
      stateDir: dir,
      saveEvery: 4,
    });
    expect(first.stepsRun).toBe(8);
    const longer = parseGrokfastDemoOptions({ ...base, maxSteps: 16 });
    const resumed = await runGrokfastArm(arm, 3, longer, { stateDir: dir });
    const straight = await runGrokfastArm(arm, 3, longer);
    expect(resumed.stepsRun).toBe(16);
    expect(resumed.curve).toEqual(straight.curve);
    expect(resumed.lastLoss).toBe(straight.lastLoss);
    await expect(runGrokfastArm(arm, 4, longer, { stateDir: dir })).rejects.toThrow(/different seed/);
    await expect(runGrokfastArm({ ...arm, weightDecay: 0 }, 3, longer, { stateDir: dir })).rejects.toThrow(
      /different arm/,
    );
  });

  it('draws the curves with a log-scale step axis, one panel per arm, and tables a running baseline as a lower bound', () => {
    const point = (step: number, train: number, validation: number) => ({
      step,
      trainAccuracy: train,
      trainLoss: 1,
      validationAccuracy: validation,
      validationLoss: 1,
    });
    const runs: GrokfastRun[] = [
      {
        arm: 'baseline',
        seed: 0,
        stepsToTarget: undefined,
        stepsRun: 1000,
        finalValidationAccuracy: 0.1,
        firstLoss: 4.6,
        lastLoss: 0.1,
        msPerStep: 0,
        filterMsPerStep: 0,
        complete: false,
        curve: [point(10, 0, 0), point(1000, 1, 0.1)],
      },
      {
        arm: 'ema',
        seed: 0,
        stepsToTarget: 100,
        stepsRun: 100,
        finalValidationAccuracy: 0.96,
        firstLoss: 4.6,
        lastLoss: 0.1,
        msPerStep: 0,
        filterMsPerStep: 0,
        complete: true,
        curve: [point(10, 0, 0), point(100, 1, 0.96)],
      },
    ];
    const svg = grokfastCurvesSvg(runs, ['baseline', 'ema']);
    expect(svg.match(/<polyline/g)?.length).toBe(4);
    // Steps 10 … 1000 span two decades of a 264-px plot from x 44 (second panel: 364): step 100 sits in
    // the middle, x 364 + 132; accuracy 0 … 1 maps to y 220 … 28 (0.1 → 200.8).
    expect(svg).toContain('points="44.0,220.0 308.0,28.0"');
    expect(svg).toContain('points="44.0,220.0 308.0,200.8"');
    expect(svg).toContain('points="364.0,220.0 496.0,28.0"');
    const options = parseGrokfastDemoOptions({
      seeds: [0],
      arms: [
        { label: 'baseline', weightDecay: 0 },
        { label: 'ema', filter: 'ema', weightDecay: 0.005 },
      ],
    });
    const table = grokfastTable(options, runs);
    expect(table).toContain('> 1000 (val 10.0%, running)');
    expect(table).toContain('≥ ×10.0');
    expect(table).toContain('39890');
  });
});
