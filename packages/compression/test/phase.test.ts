import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  generate,
  loadPackedModel,
  phaseDirName,
  readPhaseResult,
  runPipeline,
  tf,
  useBackend,
} from '@agent-forge/core';
import {
  COMPRESSED_FILE,
  compressionPhase,
  decodeAll,
  isCompressedModelDir,
  loadCompressedModel,
  readCompressedFile,
  storedBytes,
} from '../src/index.js';
import { fakeResult, maxAbsDifference, randomTokens, saveBitNetInput, saveDenseInput, tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const EVAL = {
  evalWindows: 4,
  budgetWindows: 2,
  calibrationWindows: 2,
  evalProblems: 2,
  maxNewTokens: 6,
  minElements: 512,
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
};
const FAST_CANDIDATES = [
  { method: 'ternary-base3' },
  { method: 'ternary-2bit' },
  { label: 'seedlm-4bit', method: 'seedlm', settings: { seedCandidates: 32 } },
  { label: 'vptq-2bit', method: 'vptq', settings: { codebookSize: 64, iterations: 4 } },
  { label: 'hyper-6bit', method: 'hyper', settings: { indexBits: 12 } },
  { label: 'int8', method: 'rtn', settings: { bits: 8 } },
  { method: 'fp16' },
  { method: 'fp32' },
];

async function runPhase(
  inputDir: string,
  phaseConfig: Record<string, unknown>,
): Promise<{ dir: string; metrics: Record<string, number>; report: string }> {
  const root = path.dirname(inputDir);
  const outcome = await runPipeline({
    phases: [compressionPhase],
    runsDir: path.join(root, 'runs'),
    input: fakeResult([{ dir: inputDir, role: 'deployable' }]),
    phaseConfigs: { compression: { ...EVAL, ...phaseConfig } },
    seed: 1,
  });
  const result = readPhaseResult(path.join(outcome.runDir, phaseDirName('compression')));
  expect(result.models[0]?.role).toBe('compressed');
  return {
    dir: result.models[0]?.dir as string,
    metrics: result.metrics,
    report: readFileSync(result.artifacts.report as string, 'utf8'),
  };
}

describe('compression phase', () => {
  it('compresses a BitNet model within budget into a file of the reported size that loads and generates', async () => {
    const inputDir = path.join(tempDir('bitnet'), 'input');
    await saveBitNetInput(inputDir);
    const { dir, metrics, report } = await runPhase(inputDir, { candidates: FAST_CANDIDATES });
    const file = path.join(dir, COMPRESSED_FILE);
    expect(existsSync(path.join(dir, 'model.safetensors'))).toBe(false);
    expect(statSync(file).size).toBe(metrics.bytes);
    expect(await isCompressedModelDir(dir)).toBe(true);
    expect(await isCompressedModelDir(inputDir)).toBe(false);
    // The ternary layers beat 2-bit packing losslessly (base 3), and the whole file beats the packed input.
    const encoded = await readCompressedFile(file);
    expect(encoded.get('blocks.0.attn.q.weight')?.method).toMatch(/^(ternary-base3|seedlm|vptq|hyper)$/);
    expect(metrics.ratioVsInput).toBeGreaterThan(1);
    expect(metrics.budgetLossFinal).toBeLessThanOrEqual((metrics.budgetLossBaseline as number) * 1.05 + 1e-9);
    for (const key of [
      'heldOutLossBefore',
      'heldOutLossAfter',
      'accuracyBefore',
      'accuracyAfter',
      'bitsPerWeight',
      'method.seedlm4bit.bitsPerWeight',
      'method.vptq2bit.heldOutLoss',
      'method.hyper6bit.relativeError',
    ]) {
      expect(Number.isFinite(metrics[key]), key).toBe(true);
    }
    const stored = [...encoded.values()].reduce((sum, tensor) => sum + storedBytes(tensor), 0);
    expect(stored).toBeLessThan(metrics.bytes as number);
    expect(report).toMatch(/Each candidate on its own/);

    const { model, tokenizer } = await loadCompressedModel(dir);
    const decoded = decodeAll(encoded);
    for (const [name, variable] of model.namedWeights()) {
      expect(Buffer.from((variable.dataSync() as Float32Array).buffer)).toEqual(
        Buffer.from((decoded.get(name)?.values as Float32Array).buffer),
      );
    }
    const { tokens } = await generate(model, tokenizer.encode('Tom has 3 apples.'), { maxNewTokens: 4 });
    expect(tokens.length).toBeGreaterThan(0);
    model.dispose();
  });

  it('with lossless candidates only, the loaded model gives exactly the packed input logits', async () => {
    const inputDir = path.join(tempDir('lossless'), 'input');
    // An F32 embedding in the input: the lossless ladder keeps it F32, so only the ternary layers' 1.6
    // instead of 2 bits make the output smaller (an 8-bit input embedding would come out 4× larger).
    await saveBitNetInput(inputDir, 9, { embeddingQuant: 'none' });
    const { dir, metrics } = await runPhase(inputDir, {
      candidates: [{ method: 'ternary-base3' }, { method: 'fp32' }],
      methodReports: false,
    });
    const compressed = await loadCompressedModel(dir);
    const packed = await loadPackedModel(inputDir);
    const tokens = randomTokens(4, 2, 8, compressed.model.config.vocabSize);
    expect(maxAbsDifference(compressed.model.forward(tokens), packed.model.forward(tokens))).toBe(0);
    expect(metrics.heldOutLossAfter).toBe(metrics.heldOutLossBefore);
    // 1.6 bits instead of 2 on the ternary layers: smaller than the packed file.
    expect(metrics.bytes).toBeLessThan(metrics.inputBytes as number);
    tf.dispose(tokens);
    compressed.model.dispose();
    packed.model.dispose();
  });

  it('compresses a dense model and keeps its extensions in config.json', async () => {
    const inputDir = path.join(tempDir('dense'), 'input');
    await saveDenseInput(inputDir);
    const { dir, metrics } = await runPhase(inputDir, { candidates: FAST_CANDIDATES.slice(2), methodReports: false });
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
      extensions: { compression: { methods: Record<string, string> } };
    };
    expect(Object.keys(config.extensions.compression.methods)).toContain('embed.weight');
    expect(metrics.ratioVsInput).toBeGreaterThan(1.5);
    expect(metrics.budgetLossFinal).toBeLessThanOrEqual((metrics.budgetLossBaseline as number) * 1.05 + 1e-9);
  });

  it('fails clearly without an input and names a bad candidate setting', async () => {
    const runsDir = path.join(tempDir('bad'), 'runs');
    await expect(
      runPipeline({ phases: [compressionPhase], runsDir, phaseConfigs: { compression: EVAL } }),
    ).rejects.toThrow(/compression needs a model/);
    const inputDir = path.join(tempDir('bad-setting'), 'input');
    await saveDenseInput(inputDir);
    await expect(
      runPhase(inputDir, { candidates: [{ method: 'seedlm', settings: { blockSize: 1 } }] }),
    ).rejects.toThrow(/phases\.compression\.candidates\[0\]\.settings\.blockSize/);
    await expect(runPhase(inputDir, { candidates: [{ method: 'gzip' }] })).rejects.toThrow(
      /unknown compression method 'gzip'/,
    );
    await expect(runPhase(path.join(path.dirname(inputDir), 'nothing-here'), {})).rejects.toThrow(
      /compression cannot load the input model at .*nothing-here/,
    );
  });
});
