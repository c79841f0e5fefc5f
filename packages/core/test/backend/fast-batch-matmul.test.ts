// The wasm fallback: this file tests the XNNPACK BatchMatMul, so the native kernels stay off here
// (native-batch-matmul.test.ts tests those).
process.env['FORGE_NATIVE_KERNELS'] = '0';

import os from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBackend, initBackend, tf, useBackend } from '../../src/backend/index.js';
import { isFastWasmBatchMatMulRegistered } from '../../src/backend/kernels/fast-batch-matmul.js';
import {
  expectSameOutputs,
  matMulValueAndGradients,
  onWasmAndCpu,
  runOn,
  seededTensor,
  type MatMulCase,
} from './reference.js';

const cases: MatMulCase[] = [
  { label: '2-D NN', a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { label: '2-D TN', a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
  { label: '2-D NT (tied head)', a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
  { label: '2-D TT', a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { label: '2-D vector-like rows', a: [1, 9], b: [9, 4], transposeA: false, transposeB: false },
  { label: '3-D batched NN', a: [3, 5, 7], b: [3, 7, 4], transposeA: false, transposeB: false },
  { label: '3-D batched TT', a: [3, 7, 5], b: [3, 4, 7], transposeA: true, transposeB: true },
  { label: '4-D attention q·kᵀ', a: [2, 3, 6, 4], b: [2, 3, 6, 4], transposeA: false, transposeB: true },
  { label: '4-D attention att·v', a: [2, 3, 6, 6], b: [2, 3, 6, 4], transposeA: false, transposeB: false },
  { label: '4-D gradient-shaped aᵀ·dy', a: [2, 3, 6, 5], b: [2, 3, 6, 4], transposeA: true, transposeB: false },
];

describe('fast wasm BatchMatMul', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('is the kernel registered for wasm after initBackend, which runs wasm on its own threads', () => {
    expect(isFastWasmBatchMatMulRegistered()).toBe(true);
    const cores = os.cpus().length;
    expect(describeBackend()).toMatchObject({
      threads: cores,
      threadsWorkaround: cores > 1,
      nativeKernels: { active: false, reason: 'FORGE_NATIVE_KERNELS=0' },
    });
  });

  it.each(cases)('matches the cpu backend in values and both gradients: $label', async (matMulCase) => {
    const { wasm, cpu } = await onWasmAndCpu(matMulValueAndGradients(matMulCase));
    expectSameOutputs(wasm, cpu);
  });

  it('broadcasts a batch of 1 against a batch of N like the cpu kernel, on either side', async () => {
    const compute = (): tf.Tensor[] => [
      tf.matMul(seededTensor([1, 4, 3], 1), seededTensor([5, 3, 2], 2)),
      tf.matMul(seededTensor([5, 4, 3], 3), seededTensor([1, 2, 3], 4), false, true),
      tf.matMul(seededTensor([2, 3, 4, 3], 5), seededTensor([3, 2], 6)),
    ];
    const { wasm, cpu } = await onWasmAndCpu(compute);
    expectSameOutputs(wasm, cpu);
  });

  // tfjs's cpu kernel pairs slices by index modulo batch size, so it is no reference for this case.
  it('broadcasts [2,1] against [1,3] batch dims the numpy way', async () => {
    const a = (): tf.Tensor => seededTensor([2, 1, 4, 3], 7);
    const b = (): tf.Tensor => seededTensor([1, 3, 3, 2], 8);
    const wasm = await runOn('wasm', () => [tf.matMul(a(), b())]);
    // Reference: tile both operands to the full [2,3] batch, then an ordinary batched product.
    const reference = await runOn('cpu', () => [tf.matMul(tf.tile(a(), [1, 3, 1, 1]), tf.tile(b(), [2, 1, 1, 1]))]);
    expectSameOutputs(wasm, reference);
  });

  it('gives zeros when the inner dimension is empty', async () => {
    const { values, shapes } = await runOn('wasm', () => [tf.matMul(tf.ones([2, 3, 0]), tf.ones([2, 0, 4]))]);
    expect(shapes).toEqual([[2, 3, 4]]);
    expect(Array.from(values[0] ?? [])).toEqual(new Array(24).fill(0));
  });

  it('rejects mismatched inner dimensions', async () => {
    await useBackend('wasm');
    expect(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2]))).toThrow(/inner shapes/);
  });

  it('leaves no wasm tensors behind (heap views and transposed copies are released)', async () => {
    await useBackend('wasm');
    const [left, leftT, right] = [
      seededTensor([2, 3, 6, 5], 1),
      seededTensor([2, 3, 5, 6], 2),
      seededTensor([2, 3, 4, 5], 3),
    ];
    const before = tf.engine().backend.numDataIds();
    tf.matMul(leftT, right, true, true).dispose();
    tf.matMul(left, right, false, true).dispose();
    tf.matMul(seededTensor([1, 6, 5], 4), right, false, true).dispose(); // its input stays: +1 below
    expect(tf.engine().backend.numDataIds()).toBe(before + 1);
    tf.dispose([left, leftT, right]);
  });
});
