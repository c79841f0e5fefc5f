// The native kernels must load here: this file requires them (in CI a missing build fails the run
// instead of skipping). FORGE_NATIVE_KERNELS=1 makes initBackend fail when they cannot be used.
process.env['FORGE_NATIVE_KERNELS'] = '1';

import { beforeAll, describe, expect, it } from 'vitest';
import { describeBackend, initBackend, tf, useBackend } from '../../src/backend/index.js';
import { isNativeWasmBatchMatMulRegistered } from '../../src/backend/kernels/native-batch-matmul.js';
import {
  expectSameOutputs,
  matMulValueAndGradients,
  onWasmAndCpu,
  runOn,
  seededTensor,
  type MatMulCase,
} from './reference.js';

// Odd sizes, batch 1, rows of one (decoding), and shapes big enough to take the threaded paths:
// one product split into column blocks (n ≥ m) or row blocks (m > n), and whole slices per thread.
const cases: MatMulCase[] = [
  { label: '2-D NN odd', a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { label: '2-D TN odd', a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
  { label: '2-D NT odd', a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
  { label: '2-D TT odd', a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { label: 'one row (decode), NT, column blocks', a: [1, 257], b: [1031, 257], transposeA: false, transposeB: true },
  { label: 'one row (decode), NN, column blocks', a: [1, 257], b: [257, 1031], transposeA: false, transposeB: false },
  { label: 'one row, small: one block', a: [1, 67], b: [301, 67], transposeA: false, transposeB: true },
  { label: 'batch 1, 3-D, column blocks', a: [1, 45, 53], b: [1, 53, 97], transposeA: false, transposeB: false },
  { label: 'row blocks TN (weight gradient)', a: [61, 113], b: [61, 37], transposeA: true, transposeB: false },
  { label: 'row blocks TT', a: [61, 113], b: [37, 61], transposeA: true, transposeB: true },
  { label: '3-D batched TT', a: [3, 7, 5], b: [3, 4, 7], transposeA: true, transposeB: true },
  {
    label: '4-D attention q·kᵀ, slices per thread',
    a: [2, 3, 17, 9],
    b: [2, 3, 17, 9],
    transposeA: false,
    transposeB: true,
  },
  { label: '4-D attention att·v', a: [2, 3, 17, 17], b: [2, 3, 17, 9], transposeA: false, transposeB: false },
  { label: '4-D aᵀ·dy', a: [2, 3, 17, 5], b: [2, 3, 17, 4], transposeA: true, transposeB: false },
];

describe('native BatchMatMul on the wasm heap', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('is registered for wasm and reported by describeBackend', () => {
    expect(isNativeWasmBatchMatMulRegistered()).toBe(true);
    const native = describeBackend().nativeKernels;
    expect(native?.active).toBe(true);
    expect(native?.threads).toBeGreaterThanOrEqual(1);
  });

  // atol 3e-4: inner sums of up to 1031 terms of size ~1 round differently in Eigen's blocked order
  // than in the cpu kernel's; a wrong index or a missed block is off by O(1).
  it.each(cases)('matches the cpu backend in values and both gradients: $label', async (matMulCase) => {
    const { wasm, cpu } = await onWasmAndCpu(matMulValueAndGradients(matMulCase));
    expectSameOutputs(wasm, cpu, 1e-4, 3e-4);
  });

  it('broadcasts batch dims the numpy way ([2,1] against [1,3], and a missing batch)', async () => {
    const a = (): tf.Tensor => seededTensor([2, 1, 4, 3], 7);
    const b = (): tf.Tensor => seededTensor([1, 3, 3, 2], 8);
    const native = await runOn('wasm', () => [
      tf.matMul(a(), b()),
      tf.matMul(seededTensor([2, 3, 4, 3], 5), seededTensor([3, 2], 6)),
    ]);
    const reference = await runOn('cpu', () => [
      tf.matMul(tf.tile(a(), [1, 3, 1, 1]), tf.tile(b(), [2, 1, 1, 1])),
      tf.matMul(
        seededTensor([2, 3, 4, 3], 5),
        tf.tile(tf.reshape(seededTensor([3, 2], 6), [1, 1, 3, 2]), [2, 3, 1, 1]),
      ),
    ]);
    expectSameOutputs(native, reference);
  });

  it('gives zeros for an empty inner dimension and an empty output for an empty batch', async () => {
    const { values, shapes } = await runOn('wasm', () => [
      tf.matMul(tf.ones([2, 3, 0]), tf.ones([2, 0, 4])),
      tf.matMul(tf.ones([0, 3, 2]), tf.ones([0, 2, 4])),
    ]);
    expect(shapes).toEqual([
      [2, 3, 4],
      [0, 3, 4],
    ]);
    expect(Array.from(values[0] ?? [])).toEqual(new Array(24).fill(0));
  });

  it('rejects mismatched inner dimensions', async () => {
    await useBackend('wasm');
    expect(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2]))).toThrow(/inner shapes/);
  });

  it('allocates only its output', async () => {
    await useBackend('wasm');
    const [left, right] = [seededTensor([2, 3, 6, 5], 1), seededTensor([2, 3, 4, 5], 3)];
    const before = tf.engine().backend.numDataIds();
    const product = tf.matMul(left, right, false, true);
    expect(tf.engine().backend.numDataIds()).toBe(before + 1);
    tf.dispose([left, right, product]);
  });
});
