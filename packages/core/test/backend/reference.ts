/**
 * Test helpers: run the same computation on wasm and on the cpu reference, and compare.
 */
import { expect } from 'vitest';
import { tf, withBackend } from '../../src/backend/index.js';
import { Rng } from '../../src/rng/index.js';

/** Deterministic normal values for `shape`, the same on every backend. */
export function seededValues(shape: readonly number[], seed: number, scale = 1): Float32Array {
  const rng = Rng.fromSeed(seed);
  const size = shape.reduce((product, dim) => product * dim, 1);
  return Float32Array.from({ length: size }, () => scale * rng.normal());
}

export function seededTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(seededValues(shape, seed, scale), shape);
}

export interface Outputs {
  values: Float32Array[];
  shapes: number[][];
}

/**
 * Runs `compute` with `backend` active and returns its tensors as plain arrays. Reading happens
 * outside tidy: tidy walks a returned TypedArray element by element (REPORT F6).
 */
export async function runOn(backend: 'wasm' | 'cpu', compute: () => tf.Tensor[]): Promise<Outputs> {
  return withBackend(backend, () => {
    const tensors = tf.tidy(compute);
    const outputs = {
      values: tensors.map((t) => Float32Array.from(t.dataSync())),
      shapes: tensors.map((t) => [...t.shape]),
    };
    tf.dispose(tensors);
    return outputs;
  });
}

/** Runs `compute` on wasm and on cpu. */
export async function onWasmAndCpu(compute: () => tf.Tensor[]): Promise<{ wasm: Outputs; cpu: Outputs }> {
  const wasm = await runOn('wasm', compute);
  const cpu = await runOn('cpu', compute);
  return { wasm, cpu };
}

/** Largest |a − b| / (atol + rtol·|b|); ≤ 1 means every element is within tolerance. */
export function toleranceRatio(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol: number,
): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const [a, b] = [actual[i] ?? Number.NaN, expected[i] ?? Number.NaN];
    const ratio = Math.abs(a - b) / (atol + rtol * Math.abs(b));
    // NaN must fail, and `Math.max` with NaN would hide which way.
    worst = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : Math.max(worst, ratio);
  }
  return worst;
}

/** Asserts two runs agree: same shapes, values within tolerance. */
export function expectSameOutputs(actual: Outputs, expected: Outputs, rtol = 1e-4, atol = 1e-5): void {
  expect(actual.shapes).toEqual(expected.shapes);
  actual.values.forEach((values, i) => {
    const ratio = toleranceRatio(values, expected.values[i] ?? new Float32Array(), rtol, atol);
    expect(ratio, `output ${i} (shape ${expected.shapes[i]?.join('x')})`).toBeLessThanOrEqual(1);
  });
}

/** One batched product: operand shapes and transposes. */
export interface MatMulCase {
  label: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

/** The product and both gradients of sum(sin(a·b)), so that every output element gets a different upstream gradient. */
export function matMulValueAndGradients({ a, b, transposeA, transposeB }: MatMulCase): () => tf.Tensor[] {
  return () => {
    const left = seededTensor(a, 11);
    const right = seededTensor(b, 23);
    const product = tf.matMul(left, right, transposeA, transposeB);
    const loss = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.sum(tf.sin(tf.matMul(x, y, transposeA, transposeB)));
    const [gradA, gradB] = tf.grads(loss)([left, right]);
    if (gradA === undefined || gradB === undefined) throw new Error('missing gradient');
    return [product, gradA, gradB];
  };
}
