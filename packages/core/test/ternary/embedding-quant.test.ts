import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useBackend } from '../../src/backend/index.js';
import { Rng } from '../../src/rng/index.js';
import {
  EMBEDDING_QUANTIZERS,
  INT4_GROUP,
  createBitNetModel,
  dequantizeEmbeddings,
  packModelWeights,
  unpackWeights,
  writePackedWeights,
} from '../../src/ternary/index.js';

const dirs: string[] = [];
beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  const values = Float32Array.from({ length: rows * cols }, () => rng.normal(0, 0.3));
  values.fill(0, cols, 2 * cols); // an all-zero row must stay zero, not NaN
  return values;
}

describe('embedding quantization', () => {
  it.each([
    ['int8-row', 1 / 127, (cols: number) => cols],
    ['int4-group', 1 / 7, () => INT4_GROUP],
  ] as const)('%s round-trips within half a step of its scale', (name, step, span) => {
    const method = EMBEDDING_QUANTIZERS.get(name);
    if (method === undefined) throw new Error(`${name} is not registered`);
    const [rows, cols] = [6, 70];
    const values = randomMatrix(rows, cols, 1);
    const { codes, scales } = method.quantize(values, rows, cols);
    const restored = method.dequantize(codes, scales, rows, cols);
    for (let i = 0; i < values.length; i++) {
      const [r, c] = [Math.floor(i / cols), i % cols];
      const start = r * cols + Math.floor(c / span(cols)) * span(cols);
      const group = values.subarray(start, Math.min((r + 1) * cols, start + span(cols)));
      const largest = Math.max(...group.map(Math.abs));
      expect(Math.abs((restored[i] as number) - (values[i] as number)), `element ${i}`).toBeLessThanOrEqual(
        (largest * step) / 2 + 1e-7,
      );
    }
    expect([...restored.subarray(cols, 2 * cols)].every((v) => v === 0)).toBe(true);
  });

  it('stores the embedding quantized in the packed file and loads it back as F32', async () => {
    const model = createBitNetModel({ vocabSize: 96, dModel: 64, nLayers: 1, nHeads: 2, contextLength: 8 }, {}, 3);
    const embed = model.namedWeights().get('embed.weight')?.dataSync() as Float32Array;
    const layers = ['blocks.0.attn.q', 'blocks.0.mlp.down'];
    const sizes: Record<string, number> = {};
    for (const method of ['none', 'int8-row', 'int4-group'] as const) {
      const { weights, metadata } = packModelWeights(model, layers, method);
      expect(weights.has('embed.weight')).toBe(method === 'none');
      const restored = unpackWeights(weights, metadata, 'x');
      const values = restored.get('embed.weight')?.dataSync() as Float32Array;
      const worst = values.reduce((w, v, i) => Math.max(w, Math.abs(v - (embed[i] as number))), 0);
      expect(worst).toBeLessThan(method === 'none' ? 1e-9 : method === 'int8-row' ? 0.01 : 0.1);
      for (const tensor of restored.values()) tensor.dispose();
      const dir = mkdtempSync(path.join(os.tmpdir(), 'embed-quant-'));
      dirs.push(dir);
      await writePackedWeights(path.join(dir, 'p.safetensors'), model, layers, method);
      sizes[method] = statSync(path.join(dir, 'p.safetensors')).size;
    }
    // F32 → 1 byte + a 4-byte scale per row; → ½ byte + 4 bytes per 32 values.
    expect((sizes.none as number) - (sizes['int8-row'] as number)).toBeGreaterThan(96 * 64 * 3 - 96 * 4 - 200);
    expect((sizes['int8-row'] as number) - (sizes['int4-group'] as number)).toBeGreaterThan(96 * 64 * 0.375 - 200);
    model.dispose();
  });

  it('refuses an unknown method or missing scales in a file', () => {
    expect(() => dequantizeEmbeddings(new Map(), { 'bitnet.embedding': 'int3' }, 'f.safetensors')).toThrow(
      /unknown embedding quantization 'int3'/,
    );
    expect(() =>
      dequantizeEmbeddings(
        new Map(),
        { 'bitnet.embedding': 'int8-row', 'bitnet.embedding_shapes': '{"embed.weight":[2,2]}' },
        'f.safetensors',
      ),
    ).toThrow(/embed.weight_scales/);
  });
});
