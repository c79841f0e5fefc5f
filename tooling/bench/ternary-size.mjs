#!/usr/bin/env node
// Bytes on disk of a BitNet model at a preset shape: the fp32 checkpoint against the packed file with each
// embedding quantization (`embeddingQuant`). Sizes do not depend on training, so the weights are random.
// Not a timing: it may run on a busy machine.
//   node tooling/bench/ternary-size.mjs [tiny|small|paper]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BitNetSettingsSchema,
  MODEL_PRESETS,
  bitnetExtension,
  createBitNetModel,
  initBackend,
  writePackedWeights,
  writeSafetensorsFile,
} from '@agent-forge/core';

const preset = process.argv[2] ?? 'paper';
const config = MODEL_PRESETS[preset];
if (!config) throw new Error(`unknown preset '${preset}' (tiny, small, paper)`);
await initBackend();
const model = createBitNetModel(config, {}, 1);
const { ternaryLayers } = bitnetExtension(model, BitNetSettingsSchema.parse({}));
const root = mkdtempSync(path.join(os.tmpdir(), 'ternary-size-'));
try {
  const fp32File = path.join(root, 'model.safetensors');
  const fp32 = new Map(
    [...model.namedWeights()].map(([name, v]) => [name, { dtype: 'F32', shape: v.shape, data: v.dataSync() }]),
  );
  await writeSafetensorsFile(fp32File, fp32);
  const fp32Bytes = statSync(fp32File).size;
  const rows = [];
  for (const method of ['none', 'int8-row', 'int4-group']) {
    const file = path.join(root, `${method}.safetensors`);
    await writePackedWeights(file, model, ternaryLayers, method);
    const bytes = statSync(file).size;
    rows.push(`| ${method} | ${bytes.toLocaleString('en')} | ${(fp32Bytes / bytes).toFixed(2)}× |`);
  }
  console.log(
    [
      `### packed size — \`${preset}\` (${model.parameterCount.toLocaleString('en')} params; fp32 checkpoint ${fp32Bytes.toLocaleString('en')} bytes)`,
      '',
      '| embedding (`embeddingQuant`) | packed file, bytes | smaller than fp32 |',
      '|---|---:|---:|',
      ...rows,
    ].join('\n'),
  );
} finally {
  model.dispose();
  rmSync(root, { recursive: true, force: true });
}
