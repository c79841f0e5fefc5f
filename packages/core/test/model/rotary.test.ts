import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { RotaryEmbedding } from '../../src/model/index.js';

beforeAll(async () => {
  await initBackend();
});

describe('RotaryEmbedding', () => {
  it('rotates each pair (i, i + half) by position × θ^(−2i/d), as the reference formula', () => {
    const [heads, length, size, offset, theta] = [2, 3, 4, 5, 10000];
    const rotary = new RotaryEmbedding(size, 16, theta);
    const values = Array.from({ length: heads * length * size }, (_, i) => Math.sin(i + 1));
    const x = tf.tensor4d(values, [1, heads, length, size]);
    const out = rotary.apply(x, offset).dataSync();
    for (let h = 0; h < heads; h++) {
      for (let t = 0; t < length; t++) {
        const base = (h * length + t) * size;
        for (let i = 0; i < size / 2; i++) {
          const angle = (offset + t) * theta ** (-(2 * i) / size);
          const [a, b] = [values[base + i] ?? 0, values[base + i + size / 2] ?? 0];
          expect(out[base + i]).toBeCloseTo(a * Math.cos(angle) - b * Math.sin(angle), 5);
          expect(out[base + i + size / 2]).toBeCloseTo(b * Math.cos(angle) + a * Math.sin(angle), 5);
        }
      }
    }
    x.dispose();
    rotary.dispose();
  });
});
