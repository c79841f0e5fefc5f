import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TinyTitan, float16BitsToFloat32, initBackend, tf, trainBpe } from '@agent-forge/core';
import type { BpeTokenizer } from '@agent-forge/core';
import { encodeTq2, exportModel, ternaryScale } from '../src/index.js';

const BLOCK_LINEARS = ['attn.q', 'attn.k', 'attn.v', 'attn.o', 'mlp.gate', 'mlp.up', 'mlp.down'];
const SETTINGS = { inputNorm: 'rms', activationBits: 8, normEps: 1e-5 };
let tokenizer: BpeTokenizer;
let model: TinyTitan;
const root = mkdtempSync(path.join(os.tmpdir(), 'forge-bitnet-gguf-'));
const ternaryLayers = BLOCK_LINEARS.map((part) => `blocks.0.${part}`);

/** TQ2_0 decoded from ggml's block description (qs[64] of 2-bit codes, then an F16 d; value = (code − 1)·d). */
function decodeTq2(bytes: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let block = 0; block < count / 256; block++) {
    const at = block * 66;
    const d = float16BitsToFloat32(bytes[at + 64]! | (bytes[at + 65]! << 8));
    for (let i = 0; i < 256; i++) {
      const half = Math.floor(i / 128);
      const within = i % 128;
      const code = (bytes[at + half * 32 + (within % 32)]! >> (2 * Math.floor(within / 32))) & 3;
      out[block * 256 + i] = (code - 1) * d;
    }
  }
  return out;
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
  tokenizer = trainBpe('Tom has 3 apples and buys 2 more.', { vocabSize: 290 });
  // Dense weights set to W_q·γ, as the BitNet loader hands them to the exporter.
  model = new TinyTitan(
    { vocabSize: tokenizer.vocabSize, dModel: 256, nLayers: 1, nHeads: 4, dFF: 256, contextLength: 32 },
    { seed: 1 },
  );
  for (const layer of ternaryLayers) {
    const weight = model.namedWeights().get(`${layer}.weight`) as tf.Variable;
    weight.assign(
      tf.tidy(() => tf.mul(tf.clipByValue(tf.round(tf.div(weight, tf.mean(tf.abs(weight)))), -1, 1), 0.05)),
    );
  }
});
afterAll(() => model.dispose());

describe('BitNet models as GGUF', () => {
  it('packs ternary values as TQ2_0 blocks that decode back to them', () => {
    const data = Float32Array.from({ length: 512 }, (_, i) => [0.25, 0, -0.25][(i * 7) % 3] as number);
    expect(ternaryScale(data)).toBe(0.25);
    expect(ternaryScale(Float32Array.of(0.25, -0.5))).toBeNull();
    const bytes = encodeTq2(data, 256, 0.25, 'w');
    expect(bytes.length).toBe(2 * 66);
    expect(decodeTq2(bytes, 512)).toEqual(data);
    expect(() => encodeTq2(data.subarray(0, 128), 64, 0.25, 'blocks.0.attn.q')).toThrow(/rows of 64/);
  });

  it('writes the bitnet architecture with TQ2_0 ternary layers and gain-1 sub-norms', async () => {
    const outDir = path.join(root, 'tq2');
    await exportModel(
      { model, tokenizer, extensions: { bitnet: { ternaryLayers, settings: SETTINGS } } },
      { format: 'gguf', outDir, weightType: 'tq2_0' },
    );
    const file = readFileSync(path.join(outDir, 'model.gguf'));
    const text = file.toString('latin1');
    expect(text).toContain('general.architecture');
    expect(text).toContain('bitnet.embedding_length');
    expect(text).toContain('blk.0.attn_sub_norm.weight');
    expect(text).toContain('blk.0.ffn_sub_norm.weight');
    // The file holds 7 ternary 256 × 256 matrices at 66 bytes per 256 weights, not 4 bytes a weight.
    expect(file.length).toBeLessThan(7 * 256 * 256 * 4 * 0.2 + tokenizer.vocabSize * 256 * 2 + 200_000);
  });

  it('refuses what the bitnet graph cannot express; the 🤗 layout gets the weights dequantized', async () => {
    const outDir = path.join(root, 'refused');
    const export_ = (extensions: Record<string, unknown>) =>
      exportModel({ model, tokenizer, extensions }, { format: 'gguf', outDir, weightType: 'tq2_0' });
    const hf = await exportModel(
      { model, tokenizer, extensions: { bitnet: { ternaryLayers, settings: SETTINGS } } },
      { format: 'hf', outDir: path.join(root, 'hf-dequantized') },
    );
    expect(hf.approximations.map((note) => note.description).join('\n')).toMatch(/dequantized/);
    await expect(export_({ bitnet: { ternaryLayers: ternaryLayers.slice(1), settings: SETTINGS } })).rejects.toThrow(
      /not ternary: blocks.0.attn.q/,
    );
    await expect(export_({ bitnet: { ternaryLayers, settings: { ...SETTINGS, inputNorm: 'none' } } })).rejects.toThrow(
      /RMS input norm/,
    );
    await expect(export_({ bitnet: { ternaryLayers } })).rejects.toThrow(/not a BitNet record/);
    await expect(exportModel({ model, tokenizer }, { format: 'gguf', outDir, weightType: 'tq2_0' })).rejects.toThrow(
      /tq2_0 is for BitNet models/,
    );
    const latent = new TinyTitan(model.config, { seed: 2 });
    try {
      await expect(
        exportModel(
          { model: latent, tokenizer, extensions: { bitnet: { ternaryLayers, settings: SETTINGS } } },
          { format: 'gguf', outDir },
        ),
      ).rejects.toThrow(/holds latent weights/);
    } finally {
      latent.dispose();
    }
  });
});
