// Compression's tensor work — the calibration forward (VPTQ's row importance) and every registered
// method's encode/decode — holds no tensors of its own: tf.memory() after N rounds equals after 2N.
import { ModelConfigSchema, Rng, TinyTitan, initBackend, tf } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPRESSORS, measureRowImportance, parseMethodSettings } from '../src/index.js';
import { MICRO, gaussian } from './helpers.js';

beforeAll(async () => {
  await initBackend();
});

function flat(round: () => void): void {
  round();
  const afterN = tf.memory();
  round();
  round();
  const after2N = tf.memory();
  expect(after2N.numTensors).toBe(afterN.numTensors);
  expect(after2N.numBytes).toBe(afterN.numBytes);
}

describe('compression leaks nothing', () => {
  it('the calibration forward for row importance', () => {
    const model = new TinyTitan(MICRO, { seed: 1 });
    const config = { architecture: 'tinytitan' as const, model: ModelConfigSchema.parse(MICRO), extensions: {} };
    const cols = MICRO.contextLength + 1;
    const windows = {
      tokens: Int32Array.from({ length: 2 * cols }, (_, i) => (i * 7) % MICRO.vocabSize),
      rows: 2,
      cols,
    };
    flat(() => void measureRowImportance(config, model, windows));
    model.dispose();
  });

  it('encoding and decoding with every registered method', () => {
    const values = gaussian(3, 32 * 48);
    flat(() => {
      for (const compressor of COMPRESSORS) {
        const settings = parseMethodSettings(compressor.name, {});
        if (!compressor.accepts(values, [32, 48], settings)) continue;
        compressor.decode(compressor.encode(values, [32, 48], settings, Rng.fromSeed(1)));
      }
    });
  });
});
