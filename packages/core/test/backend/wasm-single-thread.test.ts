import { beforeAll, describe, expect, it } from 'vitest';
import { describeBackend, initBackend, tf, type BackendInfo } from '../../src/backend/index.js';
import { isNativeWasmBatchMatMulRegistered } from '../../src/backend/kernels/native-batch-matmul.js';

// threads: 1 must take the plain single-threaded module: no workaround, no workers.
describe('wasm with one thread', () => {
  let info: BackendInfo;
  beforeAll(async () => {
    info = await initBackend({ prefer: 'wasm', threads: 1 });
  });

  it('runs single-threaded without the threads workaround, and says why', () => {
    expect(info).toMatchObject({
      choice: 'wasm',
      requested: 'wasm',
      requestedBy: 'option',
      threads: 1,
      threadsWorkaround: false,
      skipped: [],
    });
    expect(info.threadsWorkaroundSkipped).toMatch(/one thread requested/);
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    expect(describeBackend()).toMatchObject({ threads: 1, threadsWorkaround: false });
  });

  it('still registers the kernels (native ones on one thread too) and computes with them', () => {
    expect(info.nativeKernels).toMatchObject({ active: true, threads: 1 });
    expect(isNativeWasmBatchMatMulRegistered()).toBe(true);
    const product = tf.matMul(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor2d([
        [5, 6],
        [7, 8],
      ]),
      true,
      true,
    );
    expect(product.arraySync()).toEqual([
      [23, 31],
      [34, 46],
    ]);
    const sums = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 1, 0], 'int32'), 3);
    expect(sums.arraySync()).toEqual([3, 3, 0]);
  });
});
