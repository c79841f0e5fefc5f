#!/usr/bin/env node
/**
 * Sizes of a BitNet checkpoint at a preset scale (default `small`): the ternary layers packed
 * (2 bits/weight + f32 scale) vs fp32, and the whole packed safetensors file vs the fp32 one.
 * Sizes do not depend on training, so the model is converted from a fresh init.
 *
 *   npx pnpm@10.34.8 --filter @agent-forge/bitnet build && node packages/bitnet/bench/bitnet-bench.mjs [tiny|small|paper]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MODEL_PRESETS, TinyTitan, formatProblem, generateProblems, trainBpe, useBackend } from '@agent-forge/core';
import { convertToBitNet, measureSizes, PACKED_FILE } from '@agent-forge/bitnet';
import { saveModelCheckpoint } from '@agent-forge/core';

const preset = process.argv[2] ?? 'small';
const config = MODEL_PRESETS[preset];
if (!config) throw new Error(`unknown preset '${preset}' (tiny, small, paper)`);
await useBackend('cpu');

const dense = new TinyTitan(config, { seed: 1 });
const { model, extension } = convertToBitNet(dense);
dense.dispose();
// The tokenizer is not part of the measured files; a small one keeps the bench quick.
const tokenizer = trainBpe(
  generateProblems({ count: 200, seed: 1, difficulty: 2 }).map((p) => formatProblem(p).text),
  { vocabSize: 300 },
);
const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'bitnet-bench-')), 'model');
// Core's `bitnet` save hook writes the packed file, the embedding as the settings' `embeddingQuant` says.
await saveModelCheckpoint(dir, { model, tokenizer, extensions: { bitnet: extension } });
const sizes = await measureSizes(
  path.join(dir, PACKED_FILE),
  path.join(dir, 'model.safetensors'),
  extension.ternaryLayers,
);

const ternaryParams = extension.ternaryLayers.reduce(
  (sum, layer) => sum + model.namedWeights().get(`${layer}.weight`).size,
  0,
);
const embedParams = model.namedWeights().get('embed.weight').size;
const total = model.parameterCount;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `preset ${preset}: ${total} params, ${ternaryParams} ternary (${((100 * ternaryParams) / total).toFixed(1)}%), embedding ${embedParams} (${((100 * embedParams) / total).toFixed(1)}%)`,
);
console.log(
  `quantized layers: fp32 ${kib(sizes.quantizedBytesFp32)} → packed ${kib(sizes.quantizedBytesPacked)} = ${sizes.quantizedRatio.toFixed(2)}×`,
);
console.log(
  `whole checkpoint (embedding ${extension.settings.embeddingQuant}): fp32 ${kib(sizes.checkpointBytesFp32)} → packed ${kib(sizes.checkpointBytesPacked)} = ${sizes.checkpointRatio.toFixed(2)}×`,
);
console.log(
  `non-ternary tensors in the packed file (embedding, norms): ${kib(sizes.fullPrecisionBytes)} (${((100 * sizes.fullPrecisionBytes) / sizes.checkpointBytesPacked).toFixed(1)}% of it)`,
);
const ideal = total / (ternaryParams / 16 + (total - ternaryParams));
console.log(`bound if only the ternary layers shrink (16×): ${ideal.toFixed(2)}×`);
model.dispose();
rmSync(path.dirname(dir), { recursive: true, force: true });
