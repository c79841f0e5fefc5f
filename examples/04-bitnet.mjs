// Phase 4, bitnet (BitNet b1.58): the block projections become BitLinear layers whose weights are
// ternary {-1, 0, +1} times one scale γ = mean|W| per tensor, stored 2 bits per weight. The figures
// show the codes of one layer, a hand check of the absmean quantizer, the packed bytes against fp32,
// an exact pack/unpack round trip and that the model loaded from the packed file gives the same logits.
// Build first (`pnpm build`), then: node examples/04-bitnet.mjs

// %%
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  absmeanTernary,
  BpeTokenizer,
  initBackend,
  loadPackedModel,
  MODEL_PRESETS,
  packModelWeights,
  packTernary,
  saveModelCheckpoint,
  tf,
  TinyTitan,
  unpackTernary,
} from '@agent-forge/core';
import { convertToBitNet } from '@agent-forge/bitnet';

await initBackend();
const dense = new TinyTitan(MODEL_PRESETS.tiny, { seed: 1 }); // stands in for evomerge's output
const {
  model,
  extension: { ternaryLayers },
  extensions,
} = convertToBitNet(dense, { embeddingQuant: 'none' }); // latent fp32 weights are kept for training
// `embeddingQuant: 'none'` keeps the embedding fp32 in the 2-bit file, so the logits below must match exactly;
// the default, 'int8-row', also stores it in 8 bits per row (10.5× smaller than fp32 at `paper` in all).
const layer = ternaryLayers[0];
console.log(`ternary layers: ${ternaryLayers.length} (first: ${layer})`);

// %%
// The absmean quantizer of one layer, and the same formula by hand: round(W / γ) clipped to [-1, 1].
const latent = model.namedWeights().get(`${layer}.weight`);
const { ternary, scale } = absmeanTernary(latent);
const codes = ternary.dataSync();
const values = Array.from(latent.dataSync());
const gamma = values.reduce((s, v) => s + Math.abs(v), 0) / values.length;
const byHand = values.map((v) => Math.max(-1, Math.min(1, Math.round(v / (gamma + 1e-5)))));
const count = (c) => codes.filter((v) => v === c).length;
console.log(
  `codes: ${[...new Set(codes)].sort().join(', ')}; shares -1/0/+1: ${[-1, 0, 1].map((c) => (count(c) / codes.length).toFixed(3)).join(' / ')}`,
);
console.log(`scale gamma: ${scale.dataSync()[0].toFixed(6)} (mean|W| by hand: ${gamma.toFixed(6)})`);
console.log(
  `codes that differ from the hand-computed ones: ${codes.filter((v, i) => v !== byHand[i]).length} of ${codes.length}`,
);

// %%
// 2 bits per weight, 4 per byte; the round trip is exact.
const packed = packTernary(codes);
const roundTrip = unpackTernary(packed, codes.length);
console.log(`one layer: ${codes.length} weights -> ${packed.length} packed bytes (fp32: ${4 * codes.length})`);
console.log(`pack/unpack mismatches: ${roundTrip.filter((v, i) => v !== codes[i]).length}`);
const { weights } = packModelWeights(model, ternaryLayers);
const packedBytes = [...weights.values()].reduce((sum, t) => sum + t.data.byteLength, 0);
console.log(
  `whole model: fp32 bytes ${4 * dense.parameterCount}, packed bytes ${packedBytes}, ratio ${((4 * dense.parameterCount) / packedBytes).toFixed(2)}x (embedding and norms stay fp32)`,
);

// %%
// Save as the phase does (core's `bitnet` save hook writes the 2-bit file with the checkpoint) and load the
// deployable model from the 2-bit file alone.
// (`model: model`, not `{ model }`: tslab does not rewrite a shorthand property naming an earlier cell's variable.)
const dir = await mkdtemp(path.join(os.tmpdir(), 'forge-bitnet-'));
await saveModelCheckpoint(dir, { model: model, tokenizer: new BpeTokenizer([]), extensions: extensions });
const { model: fromPacked } = await loadPackedModel(dir);
const ids = tf.tensor2d([[300, 301, 302, 303, 304, 305]], undefined, 'int32');
const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(model.forward(ids), fromPacked.forward(ids)))).dataSync()[0]);
console.log(`max |logits converted model - logits from packed file|: ${diff.toExponential(2)}`);
await rm(dir, { recursive: true, force: true });
