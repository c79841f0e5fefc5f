import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';

describe('Identity and same-dtype Cast on wasm share memory instead of copying', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('clone and a no-op cast add no heap block, and each survives the others being disposed', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const blocks = tf.engine().backend.numDataIds();
    const clone = tf.clone(x);
    const same = tf.cast(x, 'float32');
    expect(tf.engine().backend.numDataIds()).toBe(blocks);
    x.dispose();
    expect(Array.from(clone.dataSync())).toEqual([1, 2, 3]);
    clone.dispose();
    expect(Array.from(same.dataSync())).toEqual([1, 2, 3]);
    same.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(blocks - 1);
  });

  it('a cast to another dtype still converts, into its own memory', () => {
    const x = tf.tensor1d([1.7, -2.2, 3.5]);
    const ints = tf.cast(x, 'int32');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    x.dispose();
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    ints.dispose();
  });

  it('gradients through products (which cast their operands) are unchanged', () => {
    const [a, b] = [
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor1d([5, 6]),
    ];
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(x, y)))([a, b]);
    expect(da?.arraySync()).toEqual([
      [5, 6],
      [5, 6],
    ]);
    expect(db?.arraySync()).toEqual([4, 6]);
    tf.dispose([a, b, da, db].filter((t): t is tf.Tensor => t !== undefined));
  });
});
