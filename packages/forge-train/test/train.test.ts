import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdamW,
  createBitNetModel,
  loadTrainState,
  TinyTitan,
  train,
  trainingObjective,
  useBackend,
} from '@agent-forge/core';
import type { BatchSource, GradientTransform, Tensor } from '@agent-forge/core';
import { createGrokfast } from '../src/index.js';
import { MICRO, microData, microTrainConfig, readMap, snapshot, tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

async function trainedWeights(options: {
  transform?: GradientTransform;
  bitnet?: boolean;
  steps?: number;
}): Promise<Map<string, Float32Array>> {
  const model = options.bitnet ? createBitNetModel(MICRO, {}, 3) : new TinyTitan(MICRO, { seed: 3 });
  await train({
    model: trainingObjective(model),
    data: microData(),
    config: microTrainConfig({ steps: options.steps ?? 4 }),
    gradientTransforms: options.transform ? [options.transform] : [],
  });
  const weights = snapshot(model.namedWeights());
  model.dispose();
  options.transform?.dispose?.();
  return weights;
}

/** Aborts `controller` once the wrapped source has served `batches` batches. */
function abortAfter(source: BatchSource, batches: number, controller: AbortController): BatchSource {
  let served = 0;
  return {
    next(rows) {
      served += 1;
      if (served === batches) controller.abort();
      return source.next(rows);
    },
    getState: () => source.getState(),
    setState: (state) => source.setState(state),
  };
}

describe('Grokfast in core train()', () => {
  it('λ = 0 trains exactly like no filter, bit for bit (dense and BitNet)', async () => {
    for (const bitnet of [false, true]) {
      const baseline = await trainedWeights({ bitnet });
      for (const filter of ['ema', 'ma'] as const) {
        const filtered = await trainedWeights({
          bitnet,
          transform: createGrokfast(filter, { lambda: 0, ...(filter === 'ma' ? { windowSize: 2 } : {}) }),
        });
        expect(filtered, `${filter} bitnet=${bitnet}`).toEqual(baseline);
      }
      const amplified = await trainedWeights({ bitnet, transform: createGrokfast('ema') });
      expect(amplified).not.toEqual(baseline);
    }
  });

  it('a run killed through its AbortSignal resumes with μ restored exactly and ends where an uninterrupted run ends', async () => {
    for (const filter of ['ema', 'ma'] as const) {
      const settings = filter === 'ma' ? { windowSize: 2 } : {};
      const straight = createGrokfast(filter, settings);
      const straightModel = new TinyTitan(MICRO, { seed: 3 });
      await train({
        model: trainingObjective(straightModel),
        data: microData(),
        config: microTrainConfig(),
        gradientTransforms: [straight],
        stateDir: tempDir('straight'),
      });

      const stateDir = tempDir(`resume-${filter}`);
      const controller = new AbortController();
      const killed = createGrokfast(filter, settings);
      const killedModel = new TinyTitan(MICRO, { seed: 3 });
      const interrupted = train({
        model: trainingObjective(killedModel),
        data: abortAfter(microData(), 3, controller),
        config: microTrainConfig(),
        gradientTransforms: [killed],
        stateDir,
        signal: controller.signal,
      });
      await expect(interrupted).rejects.toThrow(/interrupted at step 3/);
      killedModel.dispose();

      // The saved state holds the filter memory of step 3 exactly.
      const probe = createGrokfast(filter, settings);
      const probeModel = new TinyTitan(MICRO, { seed: 9 });
      await loadTrainState(stateDir, {
        weights: probeModel.namedWeights(),
        optimizer: new AdamW(microTrainConfig()),
        data: microData(),
        transforms: [probe],
      });
      expect(readMap(probe.state?.() as Map<string, Tensor>)).toEqual(readMap(killed.state?.() as Map<string, Tensor>));
      expect(probe.state?.().size).toBeGreaterThan(0);
      probeModel.dispose();

      const resumed = createGrokfast(filter, settings);
      const resumedModel = new TinyTitan(MICRO, { seed: 3 });
      const summary = await train({
        model: trainingObjective(resumedModel),
        data: microData(),
        config: microTrainConfig(),
        gradientTransforms: [resumed],
        stateDir,
      });
      expect(summary.resumedFrom).toBe(3);
      expect(snapshot(resumedModel.namedWeights()), filter).toEqual(snapshot(straightModel.namedWeights()));
      expect(readMap(resumed.state?.() as Map<string, Tensor>)).toEqual(
        readMap(straight.state?.() as Map<string, Tensor>),
      );
      for (const item of [straight, killed, probe, resumed]) item.dispose?.();
      straightModel.dispose();
      resumedModel.dispose();
    }
  });

  it('composes with BitLinear straight-through gradients: the filter sees and changes the latent weights’ gradients', async () => {
    const model = createBitNetModel(MICRO, {}, 3);
    const seen = new Map<string, number>();
    const ema = createGrokfast('ema');
    const spy: GradientTransform = {
      name: 'spy',
      apply(gradients, step) {
        for (const [name, grad] of gradients)
          if (name.includes('attn') || name.includes('mlp'))
            seen.set(name, Math.max(seen.get(name) ?? 0, grad.abs().max().dataSync()[0] ?? 0));
        return ema.apply(gradients, step);
      },
    };
    const before = snapshot(model.namedWeights());
    const summary = await train({
      model: trainingObjective(model),
      data: microData(),
      config: microTrainConfig({ steps: 3 }),
      gradientTransforms: [spy],
    });
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
    // STE passes a non-zero gradient to every BitLinear latent weight, and the EMA holds memory for each.
    expect(seen.size).toBeGreaterThan(0);
    for (const [name, max] of seen) expect(max, name).toBeGreaterThan(0);
    const memory = ema.state?.() as Map<string, Tensor>;
    for (const name of seen.keys()) expect(memory.has(`${name}::mu`), name).toBe(true);
    const after = snapshot(model.namedWeights());
    for (const name of seen.keys()) expect(after.get(name), name).not.toEqual(before.get(name));
    ema.dispose?.();
    model.dispose();
  });
});
