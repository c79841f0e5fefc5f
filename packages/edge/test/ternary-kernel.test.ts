import {
  BitNetSettingsSchema,
  Rng,
  absmaxActivations,
  packTernary,
  parameterFreeRmsNorm,
  quantizeInput,
  tf,
  useBackend,
} from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accumulateColumns,
  buildSumTables,
  columnPackedMatrix,
  packedMatmul,
  quantizeRow,
  sumTableLength,
} from '../src/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

function randomTernary(rng: Rng, count: number): Int8Array {
  return Int8Array.from({ length: count }, () => rng.int(0, 2) - 1);
}

/** The float reference: `activations · (W_q · γ)` as a tfjs matmul. */
function floatMatmul(
  x: Float32Array,
  rows: number,
  ternary: Int8Array,
  inFeatures: number,
  outFeatures: number,
  scale: number,
): Float32Array {
  return tf.tidy(() => {
    const weight = tf.mul(tf.tensor2d(Float32Array.from(ternary), [inFeatures, outFeatures]), scale);
    return tf.matMul(tf.tensor2d(x, [rows, inFeatures]), weight as tf.Tensor2D).dataSync() as Float32Array;
  });
}

const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 7, 5],
  [3, 13, 9],
  [2, 33, 1],
  [1, 64, 48],
  [5, 97, 31],
  [1, 192, 512],
];

describe('packed ternary kernel', () => {
  it('integer sums equal Σ levels · W_q exactly, odd sizes included', () => {
    const rng = Rng.fromSeed(1);
    for (const [, inFeatures, outFeatures] of SHAPES) {
      const ternary = randomTernary(rng, inFeatures * outFeatures);
      const matrix = columnPackedMatrix(packTernary(ternary), inFeatures, outFeatures, 1);
      const levels = Int32Array.from({ length: inFeatures }, () => rng.int(-128, 127));
      const table = new Int32Array(sumTableLength(inFeatures));
      const sums = new Int32Array(outFeatures);
      buildSumTables(levels, 0, inFeatures, table);
      accumulateColumns(matrix, table, sums);
      const expected = Array.from({ length: outFeatures }, (_, j) =>
        levels.reduce((sum, level, i) => sum + level * (ternary[i * outFeatures + j] as number), 0),
      );
      expect([...sums]).toEqual(expected);
    }
  });

  it('equals the dequantized float matmul of the quantized activations within float tolerance', () => {
    const rng = Rng.fromSeed(2);
    const settings = BitNetSettingsSchema.parse({});
    for (const [rows, inFeatures, outFeatures] of SHAPES) {
      const ternary = randomTernary(rng, inFeatures * outFeatures);
      const scale = 0.01 + rng.float() * 0.1;
      const matrix = columnPackedMatrix(packTernary(ternary), inFeatures, outFeatures, scale);
      const x = Float32Array.from({ length: rows * inFeatures }, () => rng.normal(0, 2));
      const quantized = tf.tidy(
        () => quantizeInput(tf.tensor2d(x, [rows, inFeatures]), settings).dataSync() as Float32Array,
      );
      const expected = floatMatmul(quantized, rows, ternary, inFeatures, outFeatures, scale);
      const actual = packedMatmul(matrix, x, settings);
      const largest = Math.max(...expected.map(Math.abs), 1e-6);
      for (let i = 0; i < expected.length; i++)
        expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThan(1e-4 * largest + 1e-6);
    }
  });

  it('quantizes activations to the same integer levels as bitnet (norm, absmax, round half to even)', () => {
    const rng = Rng.fromSeed(3);
    for (const inputNorm of ['rms', 'none'] as const) {
      const settings = BitNetSettingsSchema.parse({ inputNorm });
      const x = Float32Array.from({ length: 4 * 50 }, () => rng.normal(0, 3));
      const reference = tf.tidy(() => {
        const input = tf.tensor2d(x, [4, 50]);
        const normed = inputNorm === 'rms' ? parameterFreeRmsNorm(input, settings.normEps) : input;
        return absmaxActivations(normed, 8).dataSync() as Float32Array;
      });
      const levels = new Int32Array(50);
      for (let row = 0; row < 4; row++) {
        const scale = quantizeRow(x, row, 50, settings, levels);
        for (let i = 0; i < 50; i++)
          expect((levels[i] as number) / scale).toBeCloseTo(reference[row * 50 + i] as number, 5);
      }
    }
  });

  it('rejects a packed buffer of the wrong length and the invalid code 3', () => {
    expect(() => columnPackedMatrix(new Uint8Array(2), 3, 3, 1)).toThrow(/needs 3/);
    expect(() => columnPackedMatrix(Uint8Array.from([0b11]), 1, 1, 1)).toThrow(/code 3/);
  });
});
