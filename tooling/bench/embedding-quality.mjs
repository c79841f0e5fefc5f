#!/usr/bin/env node
/**
 * Held-out perplexity of a trained BitNet b1.58 model deployed with its embedding (the tied head) stored as
 * each `embeddingQuant` method, against the same deployable with an F32 embedding: the quality gate of
 * issue 25 (within 10 %). A quality measurement, not a timing; the figures depend on steps and seed,
 * printed beside them.
 *
 * The pipeline's own path: a dense TinyTitan (optionally pre-trained `--dense-steps`), converted by the
 * bitnet phase's `convertToBitNet`, fine-tuned with quantization in the loop (`--steps`, core's loop as the
 * phase runs it), saved as a BitNet checkpoint once per method (the `bitnet` save hook writes the packed
 * file), turned into edge's deployable (`writeDeployable`) and loaded on the packed kernel
 * (`loadPackedKernelModel`, int8 activations) — every method scored on the same held-out windows.
 *
 * `--minutes M` stops the BitNet fine-tune after M minutes of wall time (a loaded machine's budget; the
 * steps done are printed; the LR schedule is laid out for `--steps`); `--context N` trains and scores
 * windows of N tokens instead of the preset's context (same width, depth and vocabulary: the embedding
 * under test is unchanged).
 *
 *   node tooling/bench/embedding-quality.mjs [tiny|small|paper] [--steps N] [--dense-steps N]
 *       [--batch N] [--windows N] [--seed N] [--minutes M] [--context N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  MODEL_PRESETS,
  SPECIAL_IDS,
  TinyTitan,
  TrainConfigSchema,
  builtinDataFor,
  documentBatchSource,
  heldOutWindows,
  initBackend,
  loadDataset,
  perplexity,
  saveModelCheckpoint,
  train,
  trainBpe,
  trainingObjective,
} from '@agent-forge/core';
import { convertToBitNet } from '@agent-forge/bitnet';
import { loadPackedKernelModel, writeDeployable } from '@agent-forge/edge';

const METHODS = ['none', 'int8-row', 'int4-group'];
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    steps: { type: 'string', default: '300' },
    'dense-steps': { type: 'string', default: '0' },
    batch: { type: 'string', default: '16' },
    windows: { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    minutes: { type: 'string', default: '0' },
    context: { type: 'string', default: '0' },
  },
});
const preset = positionals[0] ?? 'small';
if (!MODEL_PRESETS[preset]) throw new Error(`unknown preset '${preset}' (tiny, small, paper)`);
const positiveInt = (name) => {
  const value = Number(values[name]);
  if (!(name === 'minutes' ? Number.isFinite(value) : Number.isInteger(value)) || value < 0)
    throw new Error(`--${name} must be a non-negative integer, got '${values[name]}'`);
  return value;
};
const [steps, denseSteps, batchSize, windowCount, seed, minutes, context] = [
  'steps',
  'dense-steps',
  'batch',
  'windows',
  'seed',
  'minutes',
  'context',
].map(positiveInt);
const config = { ...MODEL_PRESETS[preset], ...(context > 0 ? { contextLength: context } : {}) };

async function dirBytes(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath ?? entry.path, entry.name))).size;
  return total;
}

/**
 * Trains `model` `count` steps on the training documents (stopping after `budgetMinutes` of wall time when
 * that is > 0, the weights as trained so far); returns the steps done, the last loss and wall seconds.
 */
async function trainSteps(model, documents, count, budgetMinutes = 0) {
  const started = performance.now();
  const data = documentBatchSource(documents, {
    batchSize,
    contextLength: config.contextLength,
    seed,
    eosId: SPECIAL_IDS.eos,
  });
  const done = { steps: 0, loss: Number.NaN };
  const progress = {
    start: () => ({
      tick: (amount = 1, info) => {
        done.steps += amount;
        if (info?.loss !== undefined) done.loss = Number(info.loss);
        if (done.steps % 10 === 0)
          console.error(
            `step ${done.steps}, loss ${done.loss}, ${((performance.now() - started) / 1000).toFixed(0)} s`,
          );
      },
      done: () => {},
    }),
    log: (line) => console.error(line),
  };
  const budget = new AbortController();
  const timer = budgetMinutes > 0 ? setTimeout(() => budget.abort(), budgetMinutes * 60_000) : undefined;
  try {
    await train({
      model: trainingObjective(model),
      data,
      config: TrainConfigSchema.parse({
        steps: count,
        batchSize,
        lr: 2e-3,
        warmupSteps: Math.min(20, count),
        weightDecay: 0,
        checkpointEvery: 0,
      }),
      shape: model.config,
      progress,
      signal: budget.signal,
    });
  } catch (error) {
    // The time budget ran out: the loop stops after a whole step, the weights trained so far are kept.
    if (!budget.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  return { ...done, seconds: (performance.now() - started) / 1000 };
}

await initBackend();
const dataset = await loadDataset(builtinDataFor(preset, seed));
const { train: trainSet, validation } = dataset.split({ validationFraction: 0.1, seed });
const tokenizer = trainBpe(trainSet.texts(), { vocabSize: config.vocabSize });
const trainDocuments = trainSet.tokenize(tokenizer);
const heldOut = heldOutWindows(validation.tokenize(tokenizer), config.contextLength, SPECIAL_IDS.eos, windowCount);

const root = mkdtempSync(path.join(os.tmpdir(), 'embedding-quality-'));
const dense = new TinyTitan(config, { seed });
const denseRun = denseSteps > 0 ? await trainSteps(dense, trainDocuments, denseSteps) : null;
// The fp32 checkpoint the sizes are compared with: the dense model bitnet converts.
await saveModelCheckpoint(path.join(root, 'fp32'), { model: dense, tokenizer });
const fp32Bytes = await dirBytes(path.join(root, 'fp32'));
const { model, extension } = convertToBitNet(dense);
dense.dispose();
const bitnetRun = await trainSteps(model, trainDocuments, steps, minutes);
const latent = perplexity(model, heldOut).perplexity;

const rows = [];
let baseline;
for (const method of METHODS) {
  const checkpoint = path.join(root, `bitnet-${method}`);
  const methodExtension = { ...extension, settings: { ...extension.settings, embeddingQuant: method } };
  await saveModelCheckpoint(checkpoint, { model, tokenizer, extensions: { bitnet: methodExtension } });
  const deployable = path.join(root, `deploy-${method}`);
  await writeDeployable(checkpoint, deployable);
  const loaded = await loadPackedKernelModel(deployable);
  const ppl = perplexity(loaded.model, heldOut).perplexity;
  loaded.model.dispose();
  const bytes = await dirBytes(deployable);
  baseline ??= ppl;
  rows.push(
    `| ${method} | ${ppl.toFixed(3)} | ${(((ppl - baseline) / baseline) * 100).toFixed(2)} % | ${bytes.toLocaleString('en')} | ${(fp32Bytes / bytes).toFixed(2)}× |`,
  );
}
model.dispose();
rmSync(root, { recursive: true, force: true });

const loss = (run) => `${run.steps} steps done, last train loss ${run.loss.toFixed(3)}, ${run.seconds.toFixed(0)} s`;
console.log(
  [
    `### embedding quantization quality — \`${preset}\` (${config.dModel}×${config.nLayers}, vocab ${config.vocabSize}, context ${config.contextLength}), seed ${seed}`,
    '',
    `\`node tooling/bench/embedding-quality.mjs ${preset} --steps ${steps} --dense-steps ${denseSteps} --batch ${batchSize} --windows ${windowCount} --seed ${seed}${minutes > 0 ? ` --minutes ${minutes}` : ''}${context > 0 ? ` --context ${context}` : ''}\``,
    '',
    `Dense pre-training: ${denseRun ? loss(denseRun) : 'none (converted from the initialisation)'}; BitNet b1.58 (bitnet's \`convertToBitNet\`, quantization in the loop): schedule of ${steps} steps${minutes > 0 ? ` capped at ${minutes} min` : ''}, batch ${batchSize}, ${loss(bitnetRun)}. Held-out: ${heldOut.rows} windows of ${config.contextLength} tokens from the validation split. Latent model (training forward): perplexity ${latent.toFixed(3)}. Each row: edge's deployable of that checkpoint on the packed kernel (int8 activations); bytes against the fp32 checkpoint directory (${fp32Bytes.toLocaleString('en')} bytes).`,
    '',
    '| embedding (`embeddingQuant`) | held-out perplexity | vs F32 embedding | deployable, bytes | smaller than fp32 |',
    '|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n'),
);
