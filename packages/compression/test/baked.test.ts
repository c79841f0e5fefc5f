// A baked model stays baked through compression: the output keeps `adapters/`, loads with them and
// switches persona like the baked input, and the phase measures a baked input (before and after) with
// the persona the after-run effects use, so its figures are the baked model's, not its bare base's.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADAPTERS_DIR,
  bytesOnDisk,
  loadModelWithAdapters,
  loadPackedModel,
  perplexity,
  phaseDirName,
  preparePhaseData,
  readPhaseResult,
  resolvePhaseConfig,
  runPipeline,
  tf,
  useBackend,
} from '@agent-forge/core';
import type { ModelWithAdapters } from '@agent-forge/core';
import { compressionPhase, loadCompressedBakedModel, loadCompressedModel } from '../src/index.js';
import { fakeResult, maxAbsDifference, randomTokens, saveBakedInput, tempDir } from './helpers.js';

const PHASE_CONFIG = {
  evalWindows: 4,
  budgetWindows: 2,
  calibrationWindows: 2,
  evalProblems: 1,
  maxNewTokens: 2,
  minElements: 512,
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
  // Lossless: base-3 ternary codes and F32, so the compressed model is the input model exactly.
  candidates: [{ method: 'ternary-base3' }, { method: 'fp32' }],
  methodReports: false,
};

let inputDir: string;
let outputDir: string;
let metrics: Record<string, number>;
let report: string;

/** The baked input as edge and the effects load it: packed base, ternary layers dequantized, adapters on top. */
function loadBakedInput(persona?: string): Promise<ModelWithAdapters> {
  return loadModelWithAdapters(inputDir, {
    ...(persona === undefined ? {} : { persona }),
    loadBase: (dir, lora) => loadPackedModel(dir, { extensions: { lora } }),
  });
}

beforeAll(async () => {
  await useBackend('cpu');
  inputDir = path.join(tempDir('baked'), 'input');
  await saveBakedInput(inputDir);
  const outcome = await runPipeline({
    phases: [compressionPhase],
    runsDir: path.join(path.dirname(inputDir), 'runs'),
    input: fakeResult([{ dir: inputDir, role: 'deployable' }]),
    phaseConfigs: { compression: PHASE_CONFIG },
    seed: 1,
  });
  const result = readPhaseResult(path.join(outcome.runDir, phaseDirName('compression')));
  outputDir = result.models[0]?.dir as string;
  metrics = result.metrics;
  report = readFileSync(result.artifacts.report as string, 'utf8');
});

describe('compressing a baked model', () => {
  it('keeps the adapters, counted in the bytes on disk', async () => {
    expect(readdirSync(path.join(outputDir, ADAPTERS_DIR)).sort()).toEqual([
      'calculator.safetensors',
      'terse.safetensors',
    ]);
    expect(metrics.adapterBytes).toBe(await bytesOnDisk(path.join(inputDir, ADAPTERS_DIR)));
    expect(metrics.modelBytes).toBe(await bytesOnDisk(outputDir));
    expect(metrics.modelBytes).toBeGreaterThan((metrics.bytes as number) + (metrics.adapterBytes as number));
    expect(existsSync(path.join(outputDir, 'model.safetensors'))).toBe(false);
  });

  it('loads with its adapters: each persona gives the baked logits, none gives the base', async () => {
    const compressed = await loadCompressedBakedModel(outputDir);
    const baked = await loadBakedInput();
    const base = await loadCompressedModel(outputDir);
    const tokens = randomTokens(4, 2, 8, compressed.model.config.vocabSize);
    try {
      expect(compressed.personas).toEqual(['calculator', 'terse']);
      for (const persona of ['calculator', 'terse']) {
        compressed.usePersona(persona);
        baked.usePersona(persona);
        expect(maxAbsDifference(compressed.model.forward(tokens), baked.model.forward(tokens))).toBeLessThan(1e-5);
        // The persona matters: the same model without it answers differently.
        expect(maxAbsDifference(compressed.model.forward(tokens), base.model.forward(tokens))).toBeGreaterThan(1e-2);
      }
      compressed.usePersona(null);
      expect(maxAbsDifference(compressed.model.forward(tokens), base.model.forward(tokens))).toBe(0);
    } finally {
      tf.dispose(tokens);
      compressed.dispose();
      baked.dispose();
      base.model.dispose();
    }
  });

  it("measures input and output with the effects' persona, and says which", async () => {
    const config = resolvePhaseConfig(compressionPhase, 'tiny', PHASE_CONFIG);
    const withPersona = await loadBakedInput('calculator');
    try {
      const data = await preparePhaseData(
        config,
        { preset: 'tiny', seed: 1 },
        withPersona.tokenizer,
        withPersona.model.config.contextLength,
        { trains: false },
      );
      const baked = perplexity(withPersona.model, data.heldOut.windows).loss;
      withPersona.usePersona(null);
      const bare = perplexity(withPersona.model, data.heldOut.windows).loss;
      expect(metrics.heldOutLossBefore).toBeCloseTo(baked, 5);
      expect(Math.abs(baked - bare)).toBeGreaterThan(1e-3);
      // Lossless candidates: the compressed baked model scores what the baked input does.
      expect(metrics.heldOutLossAfter).toBeCloseTo(baked, 5);
    } finally {
      withPersona.dispose();
    }
    expect(report).toContain('Measured with persona `calculator` active');
    expect(report).toContain('calculator, terse');
  });
});
