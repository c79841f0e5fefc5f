// The packed ternary matmul kernel (`ForgeTernaryMatMul`): native int8 on the wasm heap against the
// JavaScript kernel (bit for bit) and against BitLinear's float path (within float rounding), on odd
// shapes and batch 1; the JavaScript kernel on the heap when the native ones are switched off, and on
// cpu. The native kernels are required here: FORGE_NATIVE_KERNELS=1.
process.env['FORGE_NATIVE_KERNELS'] = '1';

import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, setNativeKernelsEnabled, tf, withBackend } from '../../src/backend/index.js';
import { Rng } from '../../src/rng/index.js';
import {
  BitNetSettingsSchema,
  KERNEL_BLOCK,
  hasTernaryMatMulKernel,
  kernelRowBytes,
  kernelTernaryMatrix,
  packTernary,
  quantizeInput,
  ternaryMatMul,
  ternaryMatMulJs,
  type BitNetSettings,
  type KernelTernaryMatrix,
} from '../../src/ternary/index.js';

const SHAPES: Array<[rows: number, inFeatures: number, outFeatures: number]> = [
  [1, 1, 1],
  [1, 7, 5],
  [3, 13, 9],
  [2, 129, 3],
  [5, 97, 31],
  [1, 300, 70],
  [9, 256, 17],
];

interface Case {
  x: Float32Array;
  rows: number;
  ternary: Int8Array;
  matrix: KernelTernaryMatrix;
}

function makeCase(seed: number, [rows, inFeatures, outFeatures]: [number, number, number]): Case {
  const rng = Rng.fromSeed(seed);
  const ternary = Int8Array.from({ length: inFeatures * outFeatures }, () => rng.int(0, 2) - 1);
  const x = Float32Array.from({ length: rows * inFeatures }, () => rng.normal(0, 2));
  const matrix = kernelTernaryMatrix(packTernary(ternary), inFeatures, outFeatures, 0.01 + rng.float() * 0.1);
  return { x, rows, ternary, matrix };
}

function viaKernel({ x, rows, matrix }: Case, settings: BitNetSettings): Float32Array {
  return tf
    .tidy(() => ternaryMatMul(tf.tensor2d(x, [rows, matrix.inFeatures]), matrix, settings).dataSync() as Float32Array)
    .slice();
}

function viaJs({ x, rows, matrix }: Case, settings: BitNetSettings): Float32Array {
  const out = new Float32Array(rows * matrix.outFeatures);
  ternaryMatMulJs(matrix, x, 0, rows, out, 0, settings);
  return out;
}

/** BitLinear's float path on the same weights: quantizeInput(x) · (W_q · γ). */
function viaFloat({ x, rows, ternary, matrix }: Case, settings: BitNetSettings): Float32Array {
  return tf
    .tidy(() => {
      const weight = tf.mul(
        tf.tensor2d(Float32Array.from(ternary), [matrix.inFeatures, matrix.outFeatures]),
        matrix.scale,
      );
      const input = quantizeInput(tf.tensor2d(x, [rows, matrix.inFeatures]), settings);
      return tf.matMul(input as tf.Tensor2D, weight as tf.Tensor2D).dataSync() as Float32Array;
    })
    .slice();
}

function expectClose(actual: Float32Array, expected: Float32Array, relative: number): void {
  expect(actual.length).toBe(expected.length);
  const largest = Math.max(...expected.map(Math.abs), 1e-6);
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs((actual[i] as number) - (expected[i] as number)), `element ${i}`).toBeLessThanOrEqual(
      relative * largest,
    );
}

describe('packed ternary matmul kernel', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('lays weights out as value + 1 codes, 128 inputs per 32 bytes, padding as zero', () => {
    const ternary = Int8Array.from({ length: 130 * 2 }, (_, i) => ((i * 7) % 3) - 1);
    const { rows } = kernelTernaryMatrix(packTernary(ternary), 130, 2, 1);
    expect(rows.length).toBe(2 * kernelRowBytes(130));
    expect(kernelRowBytes(130)).toBe(64);
    for (let output = 0; output < 2; output++) {
      for (let input = 0; input < 2 * KERNEL_BLOCK; input++) {
        const block = Math.floor(input / KERNEL_BLOCK);
        const within = input % KERNEL_BLOCK;
        const byte = rows[output * 64 + block * 32 + (within % 32)] as number;
        const value = ((byte >> (2 * Math.floor(within / 32))) & 3) - 1;
        expect(value, `input ${input}, output ${output}`).toBe(input < 130 ? ternary[input * 2 + output] : 0);
      }
    }
    expect(() => kernelTernaryMatrix(new Uint8Array(2), 3, 3, 1)).toThrow(/needs 3/);
    expect(() => kernelTernaryMatrix(Uint8Array.from([0b11]), 1, 1, 1)).toThrow(/code 3/);
  });

  it.each(['rms', 'none'] as const)(
    'native (wasm heap) equals the JavaScript kernel exactly and the float path within rounding (norm %s)',
    (inputNorm) => {
      expect(hasTernaryMatMulKernel()).toBe(true);
      const settings = BitNetSettingsSchema.parse({ inputNorm });
      SHAPES.forEach((shape, index) => {
        const testCase = makeCase(10 + index, shape);
        const native = viaKernel(testCase, settings);
        expect([...native], `shape ${shape.join('x')}`).toEqual([...viaJs(testCase, settings)]);
        expectClose(native, viaFloat(testCase, settings), 1e-5);
      });
    },
  );

  it('runs the JavaScript kernel on the heap when the native kernels are off, and on cpu', async () => {
    const settings = BitNetSettingsSchema.parse({});
    const cases = SHAPES.map((shape, index) => makeCase(20 + index, shape));
    const native = cases.map((c) => viaKernel(c, settings));
    setNativeKernelsEnabled(false);
    try {
      expect(hasTernaryMatMulKernel()).toBe(true);
      cases.forEach((c, i) => expect([...viaKernel(c, settings)]).toEqual([...(native[i] as Float32Array)]));
    } finally {
      setNativeKernelsEnabled(true);
    }
    await withBackend('cpu', () => {
      cases.forEach((c, i) => expect([...viaKernel(c, settings)]).toEqual([...(native[i] as Float32Array)]));
    });
  });

  it('takes activations wider than 8 bits through the JavaScript kernel, and keeps leading axes', () => {
    const settings = BitNetSettingsSchema.parse({ activationBits: 12 });
    const testCase = makeCase(30, [4, 45, 6]);
    expectClose(viaKernel(testCase, settings), viaFloat(testCase, settings), 1e-5);
    const shaped = tf.tidy(() =>
      ternaryMatMul(tf.tensor3d(testCase.x, [2, 2, 45]), testCase.matrix, settings).shape.slice(),
    );
    expect(shaped).toEqual([2, 2, 6]);
  });
});
