// Phase 8, compression: SeedLM, VPTQ and hyper-compression of the final weights, beside round-to-nearest
// and the lossless ternary packings. Every figure is measured from the stored arrays (codebooks, seeds
// and scales included): bits per weight and the relative error ‖W − Ŵ‖/‖W‖ after decoding. Then a
// compressed file is written and read back, and decoding it must give the same values.
// Build first (`pnpm build`), then: node examples/08-compression.mjs

// %%
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { absmeanTernary, initBackend, MODEL_PRESETS, Rng, TinyTitan } from '@agent-forge/core';
import {
  bitsPerWeight,
  decodeTensor,
  getCompressor,
  parseMethodSettings,
  readCompressedFile,
  relativeError,
  writeCompressedFile,
} from '@agent-forge/compression';

await initBackend();
const weight = new TinyTitan(MODEL_PRESETS.tiny, { seed: 1 }).namedWeights().get('blocks.0.mlp.up.weight'); // 64 x 192
const values = Float32Array.from(weight.dataSync());
console.log(`tensor: blocks.0.mlp.up.weight ${weight.shape.join(' x ')}, ${values.length} weights`);

// %%
// Lossy methods on a float matrix (settings: 256 SeedLM seeds per block to keep this fast).
const encoded = new Map();
const lossy = { seedlm: { seedCandidates: 256 }, vptq: {}, hyper: {}, rtn: { bits: 4, groupSize: 32 }, fp16: {} };
for (const [method, settings] of Object.entries(lossy)) {
  const compressor = getCompressor(method);
  const result = compressor.encode(values, weight.shape, parseMethodSettings(method, settings), Rng.fromSeed(0));
  encoded.set(method, result);
  console.log(
    `${method}: ${bitsPerWeight(result).toFixed(2)} bits/weight, relative error ${relativeError(values, compressor.decode(result)).toFixed(4)}`,
  );
}

// %%
// A BitNet layer's ternary values W_q·γ compress losslessly: 2 bits, or 1.6 with 5 trits per byte.
const { ternary, scale } = absmeanTernary(weight);
const gamma = scale.dataSync()[0];
const ternaryValues = Float32Array.from(ternary.dataSync(), (c) => c * gamma);
for (const method of ['ternary-2bit', 'ternary-base3']) {
  const compressor = getCompressor(method);
  const result = compressor.encode(ternaryValues, weight.shape, parseMethodSettings(method, {}), Rng.fromSeed(0));
  console.log(
    `${method}: ${bitsPerWeight(result).toFixed(2)} bits/weight, relative error ${relativeError(ternaryValues, compressor.decode(result)).toFixed(4)}`,
  );
}

// %%
// Through a file: what the phase writes and what `loadCompressedModel` decodes at load time.
const dir = await mkdtemp(path.join(os.tmpdir(), 'forge-compression-'));
const file = path.join(dir, 'compressed.safetensors');
await writeCompressedFile(
  file,
  new Map([
    ['w.seedlm', encoded.get('seedlm')],
    ['w.vptq', encoded.get('vptq')],
  ]),
);
const read = await readCompressedFile(file);
for (const method of ['seedlm', 'vptq']) {
  const fromFile = decodeTensor(read.get(`w.${method}`));
  const direct = getCompressor(method).decode(encoded.get(method));
  console.log(
    `${method} from file: values that differ from decoding in memory: ${fromFile.filter((v, i) => v !== direct[i]).length}`,
  );
}
await rm(dir, { recursive: true, force: true });
