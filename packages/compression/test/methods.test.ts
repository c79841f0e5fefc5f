import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForgeError, Rng } from '@agent-forge/core';
import { z } from 'zod';
import {
  COMPRESSORS,
  bitsPerWeight,
  compressorNames,
  registerCompressor,
  type Compressor,
  getCompressor,
  indexBits,
  packBits,
  parseMethodSettings,
  readCompressedFile,
  relativeError,
  seedLmNominalBits,
  storedBytes,
  trajectoryPoint,
  unpackBits,
  windingDirection,
  writeCompressedFile,
  type EncodeContext,
  type EncodedTensor,
} from '../src/index.js';
import { gaussian, tempDir } from './helpers.js';

function encode(
  method: string,
  settings: Record<string, unknown>,
  values: Float32Array,
  shape: number[],
  seed = 1,
  context?: EncodeContext,
): EncodedTensor {
  return getCompressor(method).encode(
    values,
    shape,
    parseMethodSettings(method, settings),
    Rng.fromSeed(seed),
    context,
  );
}

const decode = (encoded: EncodedTensor): Float32Array => getCompressor(encoded.method).decode(encoded);

function ternary(seed: number, count: number, gamma: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  return Float32Array.from({ length: count }, () => Math.fround((rng.int(0, 2) - 1) * gamma));
}

/** Every method with a setting and the relative error it must stay under on N(0, 0.02²) weights [48, 64]. */
const CASES: Array<[string, Record<string, unknown>, number]> = [
  ['fp32', {}, 0],
  ['fp16', {}, 1e-3],
  ['rtn', { bits: 8 }, 0.02],
  ['rtn', { bits: 4, groupSize: 32 }, 0.15],
  ['seedlm', { seedCandidates: 256 }, 0.45],
  ['seedlm', { blockSize: 12, latentDim: 4, seedCandidates: 128 }, 0.5],
  ['vptq', { codebookSize: 64 }, 0.45],
  ['vptq', { codebookSize: 64, residualCodebookSize: 16 }, 0.35],
  ['hyper', {}, 0.3],
  ['hyper', { indexBits: 12 }, 0.08],
];

describe('compressor registry', () => {
  it('holds the built-in methods and names an unknown one', () => {
    expect(compressorNames()).toEqual(
      expect.arrayContaining(['fp32', 'fp16', 'rtn', 'ternary-2bit', 'ternary-base3', 'seedlm', 'vptq', 'hyper']),
    );
    expect(() => getCompressor('zip')).toThrow(/unknown compression method 'zip' \(known: fp32, fp16, rtn, /);
    expect(() => parseMethodSettings('seedlm', { blockSize: 1 }, 'x')).toThrow(/x\.blockSize/);
  });

  it('every compressor has a name, a display name and a reference URL', () => {
    for (const compressor of COMPRESSORS) {
      expect(compressor.name).toMatch(/\S/);
      expect(compressor.displayName, compressor.name).toMatch(/\S/);
      expect(new URL(compressor.referenceUrl).protocol, compressor.name).toMatch(/^https?:$/);
    }
  });

  it('takes a compressor registered from outside, which files written with it then decode through', async () => {
    const halves: Compressor = {
      name: 'test-halves',
      displayName: 'Halves (test)',
      referenceUrl: 'https://example.org/halves',
      description: 'values divided by two, stored as float32',
      settingsSchema: z.object({}).strict(),
      lossless: true,
      accepts: () => true,
      encode: (values, shape) => ({
        method: 'test-halves',
        shape: [...shape],
        tensors: new Map([['half', { dtype: 'F32', shape: [values.length], data: values.map((v) => v / 2) }]]),
        params: {},
      }),
      decode: (encoded) => (encoded.tensors.get('half')?.data as Float32Array).map((v) => v * 2),
    };
    registerCompressor(halves);
    expect(compressorNames()).toContain('test-halves');
    const file = path.join(tempDir('registry'), 'w.safetensors');
    const values = Float32Array.from([1, -3, 0.5]);
    await writeCompressedFile(file, new Map([['w', encode('test-halves', {}, values, [3])]]));
    const read = await readCompressedFile(file);
    expect([...getCompressor('test-halves').decode(read.get('w') as EncodedTensor)]).toEqual([1, -3, 0.5]);
  });

  it.each(CASES)(
    '%s %j: decode is deterministic, exact to what the file stores, and within its error',
    async (method, settings, bound) => {
      const shape = [48, 64];
      const values = gaussian(7, 48 * 64);
      const encoded = encode(method, settings, values, shape);
      const again = encode(method, settings, values, shape);
      for (const [part, tensor] of encoded.tensors)
        expect(Buffer.from(again.tensors.get(part)?.data.buffer ?? new ArrayBuffer(0))).toEqual(
          Buffer.from(tensor.data.buffer),
        );
      const decoded = decode(encoded);
      const file = path.join(tempDir('roundtrip'), 'm.safetensors');
      await writeCompressedFile(file, new Map([['w', encoded]]));
      const fromFile = (await readCompressedFile(file)).get('w') as EncodedTensor;
      expect(fromFile.params).toEqual(encoded.params);
      expect(Buffer.from(decode(fromFile).buffer)).toEqual(Buffer.from(decoded.buffer));
      const error = relativeError(values, decoded);
      expect(error).toBeLessThanOrEqual(bound);
      if (method !== 'fp32') expect(error).toBeGreaterThan(0);
    },
  );
});

describe('bit packing', () => {
  it('round-trips every width and rejects values that do not fit', () => {
    const rng = Rng.fromSeed(3);
    for (let bits = 1; bits <= 24; bits++) {
      const values = Array.from({ length: 37 }, () => rng.int(0, 2 ** bits - 1));
      const packed = packBits(values, bits);
      expect(packed.length).toBe(Math.ceil((37 * bits) / 8));
      expect([...unpackBits(packed, bits, 37)]).toEqual(values);
    }
    expect(() => packBits([16], 4)).toThrow(ForgeError);
    expect(indexBits(256)).toBe(8);
    expect(indexBits(257)).toBe(9);
  });
});

describe('ternary packings', () => {
  it('store W_q·γ exactly at 2 and 1.6 bits/weight and refuse non-ternary values', () => {
    const values = ternary(2, 1000, 0.0375);
    for (const [method, bits] of [
      ['ternary-2bit', 2],
      ['ternary-base3', 1.6],
    ] as const) {
      const encoded = encode(method, {}, values, [10, 100]);
      expect(Buffer.from(decode(encoded).buffer)).toEqual(Buffer.from(values.buffer));
      expect(bitsPerWeight(encoded)).toBe(bits);
      expect(getCompressor(method).accepts(gaussian(1, 10), [10], {})).toBe(false);
      expect(() => encode(method, {}, gaussian(1, 10), [10])).toThrow(ForgeError);
    }
  });
});

describe('SeedLM', () => {
  it('stores exactly (16 + 4 + 4P)/C bits per weight', () => {
    const values = gaussian(4, 96 * 8);
    for (const settings of [
      { blockSize: 8, latentDim: 3 },
      { blockSize: 12, latentDim: 4 },
    ]) {
      const encoded = encode('seedlm', { ...settings, seedCandidates: 16 }, values, [96, 8]);
      const nominal = seedLmNominalBits(parseMethodSettings('seedlm', settings) as never);
      expect(bitsPerWeight(encoded)).toBe(nominal);
    }
    expect(seedLmNominalBits(parseMethodSettings('seedlm', {}) as never)).toBe(4);
    expect(seedLmNominalBits(parseMethodSettings('seedlm', { blockSize: 12, latentDim: 4 }) as never)).toBe(3);
  });

  it('searching more seeds lowers the error; more coefficients lower it too', () => {
    const values = gaussian(5, 64 * 8);
    const error = (settings: Record<string, unknown>): number =>
      relativeError(values, decode(encode('seedlm', settings, values, [64, 8])));
    const one = error({ seedCandidates: 1 });
    const many = error({ seedCandidates: 512 });
    expect(many).toBeLessThan(one * 0.8);
    expect(error({ latentDim: 5, seedCandidates: 512 })).toBeLessThan(many);
  });
});

describe('VPTQ', () => {
  it('counts index bits and the fp16 codebook in bits/weight; a residual codebook lowers the error', () => {
    const values = gaussian(6, 64 * 64);
    const single = encode('vptq', { vectorLength: 4, codebookSize: 256 }, values, [64, 64]);
    expect(storedBytes(single)).toBe((64 * 64 * 8) / 4 / 8 + 256 * 4 * 2);
    const residual = encode('vptq', { vectorLength: 4, codebookSize: 256, residualCodebookSize: 16 }, values, [64, 64]);
    expect(relativeError(values, decode(residual))).toBeLessThan(relativeError(values, decode(single)));
  });

  it('importance weighting lowers the importance-weighted error; uniform importance equals plain k-means', () => {
    const rows = 32;
    const values = gaussian(8, rows * 64);
    const importance = Float32Array.from({ length: rows }, (_, i) => (i < 4 ? 100 : 1));
    const weightedError = (encoded: EncodedTensor): number => {
      const decoded = decode(encoded);
      let sum = 0;
      for (let i = 0; i < values.length; i++)
        sum += (importance[Math.floor(i / 64)] as number) * ((values[i] as number) - (decoded[i] as number)) ** 2;
      return sum;
    };
    const settings = { codebookSize: 32 };
    const plain = encode('vptq', { ...settings, importanceWeighting: false }, values, [rows, 64], 1, {
      rowImportance: importance,
    });
    const weighted = encode('vptq', settings, values, [rows, 64], 1, { rowImportance: importance });
    expect(weightedError(weighted)).toBeLessThan(weightedError(plain));
    const uniform = encode('vptq', settings, values, [rows, 64], 1, { rowImportance: new Float32Array(rows).fill(1) });
    expect(Buffer.from(decode(uniform).buffer)).toEqual(Buffer.from(decode(plain).buffer));
  });
});

describe('hyper-compression', () => {
  it('the winding gets denser as 2^b grows (mean nearest-sample error falls ≈ like U^(−1/2) for K = 2)', () => {
    const targets = gaussian(9, 400, 1).map((x) => x - Math.floor(x));
    const meanError = (bits: number): number => {
      const encoded = encode('hyper', { groupSize: 2, indexBits: bits }, Float32Array.from([0, 1, ...targets]), [402]);
      const decoded = decode(encoded);
      let sum = 0;
      for (let i = 2; i < decoded.length; i++) sum += Math.abs((decoded[i] as number) - (targets[i - 2] as number));
      return sum / 400;
    };
    const ratio = meanError(8) / meanError(12);
    // U grows 16×, so U^(−1/2) predicts a 4× smaller error.
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(6.5);
  });

  it('picks the nearest trajectory sample (checked by brute force) and decodes by evaluating τ(θ)', () => {
    const values = gaussian(10, 64);
    const encoded = encode('hyper', { groupSize: 2, indexBits: 10 }, values, [64]);
    const thetas = unpackBits(encoded.tensors.get('thetas')?.data as Uint8Array, 10, 32);
    const low = encoded.params.low as number;
    const span = (encoded.params.high as number) - low;
    const direction = windingDirection(2);
    const point = new Float64Array(2);
    for (let g = 0; g < 32; g++) {
      const target = [((values[2 * g] as number) - low) / span, ((values[2 * g + 1] as number) - low) / span];
      let best = Number.POSITIVE_INFINITY;
      for (let theta = 0; theta < 1024; theta++) {
        trajectoryPoint(theta, 1, direction, point);
        best = Math.min(
          best,
          ((point[0] as number) - (target[0] as number)) ** 2 + ((point[1] as number) - (target[1] as number)) ** 2,
        );
      }
      trajectoryPoint(thetas[g] as number, 1, direction, point);
      expect(
        ((point[0] as number) - (target[0] as number)) ** 2 + ((point[1] as number) - (target[1] as number)) ** 2,
      ).toBe(best);
    }
    expect(bitsPerWeight(encoded)).toBe(5);
  });
});
