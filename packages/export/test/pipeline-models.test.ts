/**
 * Models shaped like a `forge run --preset tiny` run's, built with the core APIs the phases call (a phase
 * package may not be imported here; the CLI tests export an evomerge merge): cognate's ACT + Titans memory
 * model (`createTitanModel` with the run's `extensions.titan`), and the bitnet phase's conversion of it
 * (`buildModel` with the `bitnet` extension, saved with its packed file, loaded as `forge export` loads it).
 * Each format is run by its real client; the client must compute exactly the exported graph (rebuilt in
 * our runtime), and its agreement with ours must be the one the export reported.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BitNetSettingsSchema,
  MODEL_PRESETS,
  bitnetExtension,
  buildModel,
  createTitanModel,
  initBackend,
  loadPackedModel,
  saveModelCheckpoint,
  tf,
  titanExtensions,
} from '@agent-forge/core';
import type { BpeTokenizer, TinyTitan } from '@agent-forge/core';
import {
  ONNX_FILE,
  PROBE_NEW_TOKENS,
  candidateModel,
  exportModel,
  greedyPrefixAgreement,
  planExport,
  planMeasuredExport,
  probeContinuations,
  probeIds,
  probePrompt,
  type ExportResult,
} from '../src/index.js';
import { llamaCppGreedy, onnxGreedy, transformersJsGreedy } from './clients.js';
import { trainedTokenizer } from './corpus.js';

/** `extensions.titan` of a `forge run --preset tiny` cognate model (runs/…/01-cognate/models/*). */
const TINY_RUN_TITAN = {
  act: { enabled: true, threshold: 0.95, maxSteps: 3, ponderCost: 0.01 },
  memory: { enabled: true, dim: 64, chunkSize: 16, capacity: 128, surpriseThreshold: 0.7, maxLearningRate: 0.1 },
};

interface PipelineModel {
  readonly model: TinyTitan;
  readonly extensions: Record<string, unknown>;
}

let tokenizer: BpeTokenizer;
const models = new Map<'cognate' | 'bitnet', PipelineModel>();
const root = mkdtempSync(path.join(os.tmpdir(), 'forge-pipeline-export-'));

async function bitnetModel(dense: TinyTitan): Promise<PipelineModel> {
  // The bitnet phase's conversion: the dense weights become BitLinear's latent weights.
  const extensions = { ...titanExtensions(dense), bitnet: bitnetExtension(dense, BitNetSettingsSchema.parse({})) };
  const converted = buildModel(dense.config, extensions);
  const dir = path.join(root, 'bitnet-checkpoint');
  try {
    converted.loadWeights(dense.namedWeights());
    await saveModelCheckpoint(dir, { model: converted, tokenizer, extensions });
  } finally {
    converted.dispose();
  }
  const { model } = await loadPackedModel(dir);
  return { model, extensions };
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
  tokenizer = await trainedTokenizer();
  const config = { ...MODEL_PRESETS.tiny, vocabSize: tokenizer.vocabSize, initStd: 0.25 };
  const cognate = createTitanModel(config, TINY_RUN_TITAN, { seed: 3 });
  models.set('cognate', { model: cognate, extensions: titanExtensions(cognate) });
  models.set('bitnet', await bitnetModel(cognate));
});
afterAll(() => {
  for (const { model } of models.values()) model.dispose();
});

/** The probe prompts, ours and the exported graph's (in our runtime) greedy continuations. */
async function expectations(source: PipelineModel, result: ExportResult, bitnetGraph: boolean) {
  const texts = probeIds(tokenizer, source.model.config.contextLength);
  const prompts = texts.map((ids) => probePrompt(ids, source.model.config.contextLength));
  const plan = planExport({ ...source, tokenizer }, { bitnetGraph, actDepth: result.actDepth ?? 1 });
  const candidate = candidateModel(plan);
  try {
    return {
      prompts,
      ours: await probeContinuations(source.model, texts),
      exported: await probeContinuations(candidate, texts),
      config: candidate.config,
    };
  } finally {
    candidate.dispose();
  }
}

describe.each(['cognate', 'bitnet'] as const)('a pipeline run’s %s model', (kind) => {
  it('exports as GGUF; node-llama-cpp computes the exported graph, and agrees with ours as reported', async () => {
    const source = models.get(kind) as PipelineModel;
    const outDir = path.join(root, `${kind}-gguf`);
    const result = await exportModel({ ...source, tokenizer }, { format: 'gguf', outDir });
    expect(result.approximations.map((note) => note.extension)).toContain('titan');
    const expected = await expectations(source, result, true);
    const theirs = await llamaCppGreedy(
      path.join(outDir, 'model.gguf'),
      expected.prompts,
      PROBE_NEW_TOKENS,
      source.model.config.contextLength,
    );
    expect(theirs).toEqual(expected.exported);
    expect(greedyPrefixAgreement(expected.ours, theirs)).toBe(result.agreement?.greedy);
  });

  it('exports as ONNX; onnxruntime-node and transformers.js compute the exported graph, agreeing with ours as reported', async () => {
    const source = models.get(kind) as PipelineModel;
    const outDir = path.join(root, `${kind}-onnx`);
    const result = await exportModel({ ...source, tokenizer }, { format: 'onnx', outDir });
    const expected = await expectations(source, result, false);
    const theirs = await onnxGreedy(path.join(outDir, ONNX_FILE), expected.config, expected.prompts, PROBE_NEW_TOKENS);
    expect(theirs).toEqual(expected.exported);
    expect(greedyPrefixAgreement(expected.ours, theirs)).toBe(result.agreement?.greedy);
    expect(await transformersJsGreedy(outDir, expected.prompts, PROBE_NEW_TOKENS)).toEqual(expected.exported);
  });

  it('exports the 🤗 layout of the same graph: unrolled layers, untied head with the memory folded in', async () => {
    const source = models.get(kind) as PipelineModel;
    const outDir = path.join(root, `${kind}-hf`);
    const result = await exportModel({ ...source, tokenizer }, { format: 'hf', outDir, measure: false });
    const depth = result.actDepth ?? 0;
    const config = JSON.parse(readFileSync(path.join(outDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      num_hidden_layers: source.model.config.nLayers * depth,
      tie_word_embeddings: false,
    });
    expect(result.approximations.map((note) => note.description).join('\n')).toMatch(
      kind === 'bitnet' ? /dequantized/ : /ACT unrolled/,
    );
  });
});

describe('the long-term memory folded into the input embedding', () => {
  it('is exact for the first chunk of positions and only there (ACT off, so nothing else differs)', async () => {
    const config = { ...MODEL_PRESETS.tiny, vocabSize: tokenizer.vocabSize, initStd: 0.25 };
    const model = createTitanModel(config, { ...TINY_RUN_TITAN, act: { enabled: false } }, { seed: 5 });
    const plan = planExport(
      { model, tokenizer, extensions: titanExtensions(model) },
      { bitnetGraph: false, actDepth: 1 },
    );
    const candidate = candidateModel(plan);
    try {
      const ids = probeIds(tokenizer, config.contextLength)[0] as number[];
      const gaps = tf.tidy(() => {
        const tokens = tf.tensor2d([ids], [1, ids.length], 'int32');
        const difference = tf.abs(tf.sub(model.forward(tokens), candidate.forward(tokens)));
        return tf.max(difference, -1).dataSync() as Float32Array;
      });
      const chunk = TINY_RUN_TITAN.memory.chunkSize;
      expect(ids.length).toBeGreaterThan(2 * chunk);
      expect(Math.max(...gaps.subarray(0, chunk))).toBeLessThan(1e-4);
      expect(Math.max(...gaps.subarray(chunk))).toBeGreaterThan(1e-2);
    } finally {
      candidate.dispose();
      model.dispose();
    }
  });
});

describe('ACT unrolled to a fixed depth', () => {
  it('equals ours when every position halts at that depth, and the measured depth finds it', async () => {
    const config = { ...MODEL_PRESETS.tiny, vocabSize: tokenizer.vocabSize, initStd: 0.25 };
    const settings = { act: { maxSteps: 3, threshold: 0.95 }, memory: { enabled: false } };
    const model = createTitanModel(config, settings, { seed: 6 });
    try {
      // A halting bias of ±10 makes h ≈ 1 (halt after pass 1) or h ≈ 0 (run all 3 passes) everywhere.
      for (const [bias, depth] of [
        [10, 1],
        [-10, 3],
      ] as const) {
        (model.namedWeights().get('act.halt.bias') as tf.Variable).assign(tf.tensor1d([bias]));
        const { plan, agreement } = await planMeasuredExport(
          { model, tokenizer, extensions: titanExtensions(model) },
          { bitnetGraph: false },
        );
        expect(plan.actDepth).toBe(depth);
        expect(plan.config.nLayers).toBe(config.nLayers * depth);
        expect(agreement?.nextToken).toBe(1);
        expect(agreement?.greedy).toBe(1);
      }
    } finally {
      model.dispose();
    }
  });
});
