import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { expectSameOutputs, onWasmAndCpu, runOn, seededTensor } from './reference.js';

function segmentSum(
  xShape: number[],
  ids: number[],
  numSegments: number,
  dtype: 'float32' | 'int32' = 'float32',
): () => tf.Tensor[] {
  return () => {
    const x =
      dtype === 'float32'
        ? seededTensor(xShape, 5)
        : tf
            .range(
              0,
              xShape.reduce((p, d) => p * d, 1),
              1,
              'int32',
            )
            .reshape(xShape);
    return [tf.unsortedSegmentSum(x, tf.tensor1d(ids, 'int32'), numSegments)];
  };
}

describe('wasm UnsortedSegmentSum', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('is registered for wasm by initBackend (tfjs-backend-wasm 4.22 has none)', () => {
    expect(tf.getKernel(tf.UnsortedSegmentSum, 'wasm')).toBeDefined();
  });

  it.each([
    { label: 'repeated ids', xShape: [6, 3], ids: [0, 2, 0, 2, 2, 1], numSegments: 3 },
    { label: 'ids never used', xShape: [4, 5], ids: [4, 0, 4, 0], numSegments: 5 },
    { label: 'numSegments far above the largest id', xShape: [3, 2], ids: [1, 1, 0], numSegments: 9 },
    { label: 'rows of rank 2', xShape: [5, 2, 3], ids: [3, 1, 3, 0, 1], numSegments: 4 },
    { label: 'scalar rows', xShape: [7], ids: [0, 1, 0, 1, 2, 2, 2], numSegments: 3 },
  ])('matches the cpu backend: $label', async ({ xShape, ids, numSegments }) => {
    const { wasm, cpu } = await onWasmAndCpu(segmentSum(xShape, ids, numSegments));
    expectSameOutputs(wasm, cpu, 1e-6, 1e-6);
  });

  it('sums int32 values exactly and keeps the dtype', async () => {
    const compute = segmentSum([4, 2], [1, 1, 0, 1], 2, 'int32');
    const wasm = await runOn('wasm', () =>
      compute().map((t) => {
        expect(t.dtype).toBe('int32');
        return t;
      }),
    );
    // rows [0,1] [2,3] [4,5] [6,7] → segment 0: [4,5]; segment 1: [0+2+6, 1+3+7]
    expect(Array.from(wasm.values[0] ?? [])).toEqual([4, 5, 8, 11]);
  });

  it('drops ids outside [0, numSegments) like the cpu kernel', async () => {
    const { wasm, cpu } = await onWasmAndCpu(segmentSum([4, 2], [0, 3, -1, 1], 2));
    expectSameOutputs(wasm, cpu, 1e-6, 1e-6);
  });

  it('gives the embedding (gather) gradient the cpu backend gives, with repeated and unused tokens', async () => {
    const compute = (): tf.Tensor[] => {
      const table = seededTensor([10, 4], 3);
      const tokens = tf.tensor2d(
        [
          [1, 3, 3, 7],
          [7, 1, 0, 3],
        ],
        [2, 4],
        'int32',
      );
      const loss = (t: tf.Tensor): tf.Tensor => tf.sum(tf.sin(tf.gather(t, tokens)));
      return [tf.grad(loss)(table)];
    };
    const { wasm, cpu } = await onWasmAndCpu(compute);
    expectSameOutputs(wasm, cpu);
    // Rows of tokens that never occur (2, 4, 5, 6, 8, 9) get exactly zero.
    const rows = Array.from({ length: 10 }, (_, row) => Array.from(wasm.values[0]?.slice(row * 4, row * 4 + 4) ?? []));
    for (const unused of [2, 4, 5, 6, 8, 9]) expect(rows[unused]).toEqual([0, 0, 0, 0]);
  });
});
