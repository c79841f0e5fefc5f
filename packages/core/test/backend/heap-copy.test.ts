import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { expectSameOutputs, onWasmAndCpu, runOn, seededTensor } from './reference.js';

// Copies must be exact: wasm (the heap-copy kernels) against the cpu backend; the tolerance (rtol 0,
// atol 1e-30) only keeps equal values from dividing 0 by 0.
const EXACT = [0, 1e-30] as const;

const SLICES = [
  { label: 'rank 1', shape: [11], begin: [3], size: [5] },
  { label: 'rows of a matrix (one contiguous run)', shape: [6, 5], begin: [2, 0], size: [3, 5] },
  { label: 'columns of a matrix', shape: [6, 5], begin: [1, 2], size: [4, 2] },
  { label: 'rank 3, middle axis cut, last whole', shape: [3, 4, 5], begin: [1, 1, 0], size: [2, 2, 5] },
  { label: 'rank 4 with batch 1 and size-1 axes', shape: [1, 6, 1, 7], begin: [0, 2, 0, 3], size: [1, 3, 1, 4] },
  { label: 'rank 5, every axis cut', shape: [2, 3, 4, 3, 5], begin: [1, 0, 1, 1, 2], size: [1, 3, 2, 2, 3] },
  { label: 'size -1 (to the end)', shape: [4, 6], begin: [1, 2], size: [-1, -1] },
  { label: 'an empty slice', shape: [4, 6], begin: [1, 2], size: [0, 3] },
  { label: 'the whole tensor', shape: [3, 4], begin: [0, 0], size: [3, 4] },
];

describe('wasm Slice, SplitV and GatherV2 copying on the heap', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it.each(SLICES)('Slice matches the cpu backend exactly: $label', async ({ shape, begin, size }) => {
    const { wasm, cpu } = await onWasmAndCpu(() => [tf.slice(seededTensor(shape, 7), begin, size)]);
    expectSameOutputs(wasm, cpu, ...EXACT);
  });

  it('Slice keeps int32 and bool values and dtypes', async () => {
    const compute = (): tf.Tensor[] => {
      const ints = tf.range(0, 60, 1, 'int32').reshape([3, 4, 5]);
      const flags = tf.greater(ints, 29);
      const [a, b] = [tf.slice(ints, [1, 1, 2], [2, 2, 2]), tf.slice(flags, [1, 0, 0], [2, 3, 5])];
      expect([a.dtype, b.dtype]).toEqual(['int32', 'bool']);
      return [a, b];
    };
    const { wasm, cpu } = await onWasmAndCpu(compute);
    expectSameOutputs(wasm, cpu, ...EXACT);
    expect(Array.from(wasm.values[0] ?? [])).toEqual([27, 28, 32, 33, 47, 48, 52, 53]);
  });

  it.each([0, 1, 2, 3])('split along axis %i, in equal and unequal pieces, matches the cpu backend', async (axis) => {
    const compute = (): tf.Tensor[] => {
      const x = seededTensor([6, 4, 6, 4], 11);
      const pieces = x.shape[axis] as number;
      return [...tf.split(x, 2, axis), ...tf.split(x, [1, pieces - 3, 2], axis)];
    };
    const { wasm, cpu } = await onWasmAndCpu(compute);
    expectSameOutputs(wasm, cpu, ...EXACT);
  });

  it.each([
    { label: 'embedding rows (axis 0), repeated tokens', shape: [10, 6], indices: [[3, 3, 0, 9, 1]], axis: 0 },
    { label: 'a middle axis', shape: [3, 5, 4], indices: [4, 0, 2, 2], axis: 1 },
    {
      label: 'the last axis',
      shape: [2, 3, 7],
      indices: [
        [6, 0],
        [1, 1],
      ],
      axis: 2,
    },
  ])('GatherV2 matches the cpu backend exactly: $label', async ({ shape, indices, axis }) => {
    const compute = (): tf.Tensor[] => [
      tf.gather(seededTensor(shape, 5), tf.tensor(indices, undefined, 'int32'), axis),
    ];
    const { wasm, cpu } = await onWasmAndCpu(compute);
    expectSameOutputs(wasm, cpu, ...EXACT);
  });

  it('GatherV2 with batch dimensions still matches the cpu backend (tfjs kernel)', async () => {
    const compute = (): tf.Tensor[] => [
      tf.gather(
        seededTensor([2, 5, 3], 9),
        tf.tensor2d(
          [
            [4, 0],
            [1, 1],
          ],
          [2, 2],
          'int32',
        ),
        1,
        1,
      ),
    ];
    const { wasm, cpu } = await onWasmAndCpu(compute);
    expectSameOutputs(wasm, cpu, ...EXACT);
  });

  it('GatherV2 rejects an index outside the gathered axis, naming it, and leaks nothing', async () => {
    await runOn('wasm', () => {
      const before = tf.memory().numTensors;
      const table = tf.zeros([4, 2]);
      const [indices, negative] = [tf.tensor1d([1, 4], 'int32'), tf.tensor1d([-1], 'int32')];
      expect(() => tf.gather(table, indices)).toThrow(/index value 4 is not in \[0, 3\]/);
      expect(() => tf.gather(table, negative)).toThrow(/index value -1/);
      tf.dispose([table, indices, negative]);
      expect(tf.memory().numTensors).toBe(before);
      return [];
    });
  });

  it('gradients through slice, split and gather match the cpu backend', async () => {
    const compute = (): tf.Tensor[] => {
      const x = seededTensor([5, 6], 3);
      const tokens = tf.tensor1d([4, 0, 4], 'int32');
      const loss = (t: tf.Tensor): tf.Tensor => {
        const [left, right] = tf.split(t, [2, 4], 1);
        return tf
          .sum(tf.mul(tf.sin(tf.slice(t, [1, 1], [3, 4])), 2))
          .add(tf.sum(tf.square(left as tf.Tensor)))
          .add(tf.sum(tf.gather(right as tf.Tensor, tokens)));
      };
      return [tf.grad(loss)(x)];
    };
    const { wasm, cpu } = await onWasmAndCpu(compute);
    expectSameOutputs(wasm, cpu, 1e-6, 1e-6);
  });
});
