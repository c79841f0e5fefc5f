// The addon itself, without tfjs: its kernels on a plain Float32Array "heap", its argument checks,
// loaded from the install step's own build. The addon must be built here (in CI a missing build fails this file).
import { describe, expect, it } from 'vitest';
import { loadNativeKernels, nativeBuildStatus } from '../src/index.js';
import type { NativeKernels } from '../src/types.js';

function kernels(): NativeKernels {
  const loaded = loadNativeKernels();
  if (!loaded.ok) throw new Error(`the native kernels must be built for these tests: ${loaded.reason}`);
  return loaded.kernels;
}

/** Row-major [rows, cols] product, in float64, as the reference. */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number): number[] {
  return Array.from({ length: m * n }, (_, index) => {
    const [i, j] = [Math.floor(index / n), index % n];
    let sum = 0;
    for (let p = 0; p < k; p++) sum += (a[i * k + p] ?? 0) * (b[p * n + j] ?? 0);
    return sum;
  });
}

describe('native kernels addon', () => {
  it('multiplies ternary codes by int8 activations (value + 1 codes, padding as zero) and checks its arguments', () => {
    // One output over 3 inputs (padded to a 128-input block): weights +1, −1, 0 as codes 2, 0, 1 in bytes 0,
    // 1, 2 (bits 0-1); everything else code 1. Without a norm, x = [1, 2, 0] quantizes to [64, 127, 0]
    // (scale 127 / 2 rounds 63.5 to the even 64), so out = (64 − 127) · γ / 63.5.
    const weights = new Uint8Array(32).fill(0x55);
    weights[0] = 0x54 | 2;
    weights[1] = 0x54 | 0;
    const heap = Float32Array.of(1, 2, 0, Number.NaN);
    kernels().ternaryMatMul(heap, 0, 3, weights, 1, 3, 1, 0.5, 8, false, 1e-5);
    expect(heap[3]).toBeCloseTo(((64 - 127) * 0.5) / 63.5, 6);
    expect(() => kernels().ternaryMatMul(heap, 0, 3, new Uint8Array(31), 1, 3, 1, 0.5, 8, false, 1e-5)).toThrow(
      /weights must hold/,
    );
    expect(() => kernels().ternaryMatMul(heap, 0, 3, weights, 1, 3, 1, 0.5, 9, false, 1e-5)).toThrow(/bits/);
    expect(() => kernels().ternaryMatMul(heap, 2, 3, weights, 1, 3, 1, 0.5, 8, false, 1e-5)).toThrow(/outside/);
  });

  it('loads, was built by the install step, and says what it was built for', () => {
    const loaded = loadNativeKernels();
    expect(loaded.ok, loaded.ok ? '' : loaded.reason).toBe(true);
    expect(nativeBuildStatus()?.built).toBe(true);
    expect(loaded.ok && loaded.binary).toMatchObject({ source: 'local', march: '-march=native' });
    expect(kernels().info()).toMatchObject({
      simd: expect.stringMatching(/avx512|avx2|avx|neon|baseline/),
      eigen: expect.stringMatching(/^3\./),
    });
  });

  it('multiplies in place at heap offsets, on one thread and on two', () => {
    const [m, k, n] = [19, 23, 301];
    const heap = new Float32Array(3 + m * k + k * n + m * n);
    for (let i = 0; i < 3 + m * k + k * n; i++) heap[i] = Math.sin(i * 0.37);
    const [aOffset, bOffset, outOffset] = [3, 3 + m * k, 3 + m * k + k * n];
    const expected = reference(heap.subarray(aOffset, bOffset), heap.subarray(bOffset, outOffset), m, k, n);
    for (const threads of [1, 2]) {
      kernels().setThreads(threads);
      heap.fill(0, outOffset);
      kernels().batchMatMul(
        heap,
        aOffset,
        bOffset,
        outOffset,
        m,
        k,
        n,
        false,
        false,
        Int32Array.of(0),
        Int32Array.of(0),
      );
      const worst = expected.reduce((w, x, i) => Math.max(w, Math.abs(x - (heap[outOffset + i] ?? Number.NaN))), 0);
      expect(worst, `${threads} threads`).toBeLessThan(1e-4);
    }
  });

  it('refuses ranges outside the heap, bad slice lists and wrong array types instead of touching memory', () => {
    const heap = new Float32Array(16);
    const one = Int32Array.of(0);
    expect(() => kernels().batchMatMul(heap, 0, 8, 12, 2, 2, 3, false, false, one, one)).toThrow(/outside the heap/);
    expect(() =>
      kernels().batchMatMul(heap, 0, 4, 8, 2, 2, 2, false, false, Int32Array.of(0, 1, 2, 3), Int32Array.of(0, 0, 0, 0)),
    ).toThrow(/outside the heap/);
    expect(() => kernels().batchMatMul(heap, 0, 4, 8, 2, 2, 2, false, false, Int32Array.of(0, 0), one)).toThrow(
      /differ in length/,
    );
    expect(() => kernels().batchMatMul(heap, 0, 4, 8, 2, 2, 2, false, false, Int32Array.of(-1), one)).toThrow(
      /negative slice/,
    );
    expect(() =>
      kernels().batchMatMul(new Float64Array(16) as unknown as Float32Array, 0, 4, 8, 2, 2, 2, false, false, one, one),
    ).toThrow(/typed array/);
    expect(() => kernels().adamW(heap, 0, 3, 6, 9, 12, 13, 14, 3, 1e-3, 0.9, 0.99, 1e-8, 0, 0.1, 0.01)).toThrow(
      /outside the heap/,
    );
    expect(() => kernels().unary(heap, 3 as 0, 0, 8, 8)).toThrow(/op must be/);
    expect(() => kernels().setThreads(0)).toThrow(/1\.\.1024/);
  });

  it('computes tanh, sigmoid and exp in place', () => {
    const values = [-30, -1, 0, 0.5, 3];
    for (const [op, f] of [
      [0, Math.tanh],
      [1, (x: number) => 1 / (1 + Math.exp(-x))],
      [2, Math.exp],
    ] as const) {
      const heap = Float32Array.from(values);
      kernels().unary(heap, op, 0, 0, values.length);
      values.forEach((x, i) => expect(heap[i], `op ${op} at ${x}`).toBeCloseTo(f(x), 5));
    }
  });

  it('rotates rows by RoPE (row r at table row r mod length), inverts it for the gradient, checks its width', () => {
    const [rows, length, width] = [6, 3, 4];
    const heap = new Float32Array(2 * rows * width + 2 * length * width + rows * width);
    const [x, cos, sin, out] = [0, rows * width, rows * width + length * width, rows * width + 2 * length * width];
    const back = out + rows * width;
    heap.forEach((_, i) => (heap[i] = Math.sin(1.7 * i + 0.3)));
    kernels().rope(heap, x, cos, sin, out, rows, length, width, false);
    for (let r = 0; r < rows; r++) {
      const t = (r % length) * width;
      const at = (base: number, i: number): number => heap[base + i] as number;
      for (let i = 0; i < width / 2; i++) {
        const [a, b] = [at(x, r * width + i), at(x, r * width + i + 2)];
        expect(at(out, r * width + i)).toBeCloseTo(a * at(cos, t + i) - b * at(sin, t + i), 6);
        expect(at(out, r * width + i + 2)).toBeCloseTo(b * at(cos, t + i + 2) + a * at(sin, t + i + 2), 6);
      }
    }
    // The gradient map is the transpose: <rope(x), y> = <x, ropeᵀ(y)>, here with y = rope(x).
    kernels().rope(heap, out, cos, sin, back, rows, length, width, true);
    let [forward, transposed] = [0, 0];
    for (let i = 0; i < rows * width; i++) {
      forward += (heap[out + i] as number) * (heap[out + i] as number);
      transposed += (heap[x + i] as number) * (heap[back + i] as number);
    }
    expect(transposed).toBeCloseTo(forward, 5);
    expect(() => kernels().rope(heap, x, cos, sin, out, rows, length, 3, false)).toThrow(/width even/);
    expect(() => kernels().rope(heap, x, cos, sin, heap.length - 2, rows, length, width, false)).toThrow(
      /outside the heap/,
    );
  });
});
