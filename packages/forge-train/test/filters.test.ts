import { beforeAll, describe, expect, it } from 'vitest';
import { ForgeError, tf, useBackend } from '@agent-forge/core';
import { z } from 'zod';
import { GRADIENT_FILTERS, createGrokfast, filterNames, registerGradientFilter } from '../src/index.js';
import { gradientMap, readMap } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** Four steps of known gradients for two weights of different sizes. */
const SEQUENCE: Record<string, number[]>[] = [
  { a: [1, -2, 0.5], b: [3] },
  { a: [0.25, 4, -1], b: [-1] },
  { a: [-3, 0, 2], b: [0.5] },
  { a: [2, 1, -0.5], b: [7] },
];

function applyAll(transformName: string, settings: Record<string, unknown>): Record<string, number[]>[] {
  const transform = createGrokfast(transformName, settings);
  const outputs = SEQUENCE.map((gradients, index) => {
    const out = transform.apply(gradientMap(gradients), index + 1);
    const values = readMap(out);
    for (const tensor of out.values()) tensor.dispose();
    return values;
  });
  transform.dispose?.();
  return outputs;
}

function expectClose(actual: Record<string, number[]>[], expected: Record<string, number[]>[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((step, i) => {
    for (const [name, values] of Object.entries(expected[i] ?? {})) {
      values.forEach((value, j) => expect(step[name]?.[j], `step ${i + 1} ${name}[${j}]`).toBeCloseTo(value, 5));
    }
  });
}

describe('Grokfast filters', () => {
  it('registers ema and ma', () => {
    expect(filterNames()).toEqual(['ema', 'ma']);
  });

  it('EMA: μ ← α·μ + (1−α)·g (μ starts at the first gradient), g ← g + λ·μ', () => {
    const alpha = 0.9;
    const lambda = 2;
    const mu: Record<string, number[]> = {};
    const expected = SEQUENCE.map((gradients) =>
      Object.fromEntries(
        Object.entries(gradients).map(([name, g]) => {
          const previous = mu[name] ?? g;
          mu[name] = g.map((value, j) => alpha * (previous[j] as number) + (1 - alpha) * value);
          return [name, g.map((value, j) => value + lambda * (mu[name]?.[j] as number))];
        }),
      ),
    );
    expectClose(applyAll('ema', { alpha, lambda }), expected);
    // Hand check of step 2 for a[0]: μ = 0.9·1 + 0.1·0.25 = 0.925, g' = 0.25 + 2·0.925 = 2.1.
    expect(applyAll('ema', { alpha, lambda })[1]?.a?.[0]).toBeCloseTo(2.1, 5);
  });

  it('MA: leaves gradients alone until the window is full, then adds λ·mean of the last w', () => {
    const windowSize = 3;
    const lambda = 5;
    const expected = SEQUENCE.map((gradients, step) =>
      Object.fromEntries(
        Object.entries(gradients).map(([name, g]) => {
          if (step + 1 < windowSize) return [name, g];
          const window = SEQUENCE.slice(step + 1 - windowSize, step + 1).map((past) => past[name] as number[]);
          return [
            name,
            g.map(
              (value, j) => value + (lambda * window.reduce((sum, past) => sum + (past[j] as number), 0)) / windowSize,
            ),
          ];
        }),
      ),
    );
    expectClose(applyAll('ma', { windowSize, lambda }), expected);
    // Step 4, b: window (−1, 0.5, 7), mean 6.5/3, g' = 7 + 5·6.5/3.
    expect(applyAll('ma', { windowSize, lambda })[3]?.b?.[0]).toBeCloseTo(7 + (5 * 6.5) / 3, 5);
  });

  it('MA keeps real copies: gradients written into one reused buffer still average over distinct steps', () => {
    // One live buffer, as PyTorch's p.grad: every step's gradient is written into the same storage
    // (the cpu backend's backing array) and handed over as a fresh handle onto it.
    const live = tf.tensor1d([0, 0, 0]);
    const backend = tf.backend() as unknown as { data: { get(id: object): { values: Float32Array } } };
    const storage = backend.data.get(live.dataId).values;
    const windowSize = 2;
    const lambda = 1;
    const transform = createGrokfast('ma', { windowSize, lambda });
    const outputs = SEQUENCE.map((gradients, index) => {
      storage.set(gradients.a as number[]);
      const out = transform.apply(new Map([['a', live.clone()]]), index + 1);
      const values = Array.from(out.get('a')?.dataSync() ?? []);
      tf.dispose([...out.values()]);
      return values;
    });
    transform.dispose?.();
    live.dispose();
    // Step 4: g4 + λ·mean(g3, g4); a window of views onto the buffer would give g4 + λ·g4 or a drifted sum.
    SEQUENCE.slice(windowSize - 1).forEach((gradients, offset) => {
      const step = offset + windowSize;
      const previous = SEQUENCE[step - 2]?.a as number[];
      const g = gradients.a as number[];
      g.forEach((value, j) =>
        expect(outputs[step - 1]?.[j], `step ${step} a[${j}]`).toBeCloseTo(
          value + (lambda * ((previous[j] as number) + value)) / 2,
          5,
        ),
      );
    });
  });

  it('λ = 0 returns the gradients unchanged, bit for bit', () => {
    for (const [name, settings] of [
      ['ema', { lambda: 0 }],
      ['ma', { windowSize: 2, lambda: 0 }],
    ] as const) {
      const outputs = applyAll(name, settings);
      outputs.forEach((step, i) => expect(step, `${name} step ${i + 1}`).toEqual(SEQUENCE[i]));
    }
  });

  it('state() and loadState() continue a filter exactly', () => {
    for (const [name, settings] of [
      ['ema', {}],
      ['ma', { windowSize: 3 }],
    ] as const) {
      const original = createGrokfast(name, settings);
      for (const [index, gradients] of SEQUENCE.slice(0, 3).entries())
        tf.dispose([...original.apply(gradientMap(gradients), index + 1).values()]);
      const restored = createGrokfast(name, settings);
      restored.loadState?.(original.state?.() ?? new Map());
      const next = SEQUENCE[3] as Record<string, number[]>;
      const fromOriginal = readMap(original.apply(gradientMap(next), 4));
      const fromRestored = readMap(restored.apply(gradientMap(next), 4));
      expect(fromRestored, name).toEqual(fromOriginal);
      original.dispose?.();
      restored.dispose?.();
    }
  });

  it('holds no tensors beyond its memory', () => {
    const transform = createGrokfast('ma', { windowSize: 2 });
    const before = tf.memory().numTensors;
    for (const [index, gradients] of SEQUENCE.entries()) {
      const out = transform.apply(gradientMap(gradients), index + 1);
      tf.dispose([...out.values()]);
    }
    // Two weights × (window of 2 + running sum).
    expect(tf.memory().numTensors - before).toBe(6);
    transform.dispose?.();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('EMA holds one running average per weight: as many tensors after N steps as after 2N, none after dispose', () => {
    const transform = createGrokfast('ema', {});
    const before = tf.memory().numTensors;
    const steps = (from: number, count: number): void => {
      for (let step = from; step < from + count; step++) {
        const gradients = SEQUENCE[step % SEQUENCE.length] as Record<string, number[]>;
        tf.dispose([...transform.apply(gradientMap(gradients), step + 1).values()]);
      }
    };
    steps(0, 5);
    const afterN = tf.memory().numTensors;
    steps(5, 5);
    expect(tf.memory().numTensors).toBe(afterN);
    expect(afterN - before).toBe(2); // two weights
    transform.dispose?.();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects unknown filters and bad settings, naming the field', () => {
    expect(() => createGrokfast('fir')).toThrow(ForgeError);
    expect(() => createGrokfast('fir')).toThrow(/unknown Grokfast filter 'fir' \(known: ema, ma\)/);
    expect(() => createGrokfast('ema', { alpha: 1.5 })).toThrow(/grokfast\.ema\.alpha/);
    expect(() => createGrokfast('ma', { windowSize: 0 })).toThrow(/grokfast\.ma\.windowSize/);
  });

  it('every filter has a name, a display name and a reference URL', () => {
    for (const filter of GRADIENT_FILTERS) {
      expect(filter.name).toMatch(/\S/);
      expect(filter.displayName, filter.name).toMatch(/\S/);
      expect(new URL(filter.referenceUrl).protocol, filter.name).toMatch(/^https?:$/);
    }
  });

  it('takes a filter registered from outside the package, which createGrokfast then builds', () => {
    registerGradientFilter({
      name: 'test-double',
      displayName: 'Doubling (test)',
      referenceUrl: 'https://example.org/double',
      description: 'g ← factor·g',
      settingsSchema: z.object({ factor: z.number().default(2) }),
      create: ({ factor }) => ({
        name: 'test-double',
        apply: (grads) => new Map([...grads].map(([name, g]) => [name, tf.mul(g, factor)])),
      }),
    });
    expect(filterNames()).toEqual(['ema', 'ma', 'test-double']);
    const outputs = applyAll('test-double', { factor: 3 });
    expectClose(
      outputs,
      SEQUENCE.map((step) => Object.fromEntries(Object.entries(step).map(([n, g]) => [n, g.map((v) => 3 * v)]))),
    );
  });
});
