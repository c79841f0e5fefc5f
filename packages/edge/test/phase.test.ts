import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  PACKED_FILE,
  TinyTitan,
  phaseDirName,
  readPhaseResult,
  runPipeline,
  saveModelCheckpoint,
  useBackend,
} from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_MODEL_DIR, edgePhase, generateStreaming, loadPackedKernelModel, writeDeployable } from '../src/index.js';
import { MICRO, fakeResult, microTokenizer, randomIds, recomputeGreedy, saveBitNetDir, tempDir } from './helpers.js';

const roots: string[] = [];
beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const QUICK = { promptTokens: 8, newTokens: 6, runs: 2, warmupRuns: 1 };

describe('edge phase', () => {
  it('writes a deployable packed directory (adapters kept) and a latency report for both paths', async () => {
    const root = tempDir('phase');
    roots.push(root);
    const baked = path.join(root, 'baked');
    await saveBitNetDir(baked, { titan: true, seed: 21 });
    await mkdir(path.join(baked, 'adapters'));
    await writeFile(path.join(baked, 'adapters', 'personas.json'), '{"personas": []}');
    const input = fakeResult([
      { dir: path.join(root, 'other'), role: 'candidate' },
      { dir: baked, role: 'baked' },
    ]);
    const outcome = await runPipeline({
      phases: [edgePhase],
      runsDir: path.join(root, 'runs'),
      input,
      phaseConfigs: { edge: QUICK },
      seed: 1,
    });
    const result = readPhaseResult(path.join(outcome.runDir, phaseDirName('edge')));
    const dir = result.models[0]?.dir as string;
    expect(dir).toBe(path.join(outcome.runDir, phaseDirName('edge'), EDGE_MODEL_DIR));
    expect(result.models[0]?.role).toBe('deployable');
    expect(readdirSync(dir).sort()).toEqual(['adapters', 'config.json', PACKED_FILE, 'tokenizer.json'].sort());
    expect(readFileSync(path.join(dir, 'adapters', 'personas.json'), 'utf8')).toContain('personas');
    const { metrics } = result;
    for (const key of [
      'promptTokensPerSecond',
      'timeToFirstTokenMs',
      'msPerTokenP50',
      'msPerTokenP95',
      'fullForwardMs',
      'peakRssMb',
      'floatMsPerTokenP50',
      'floatPromptTokensPerSecond',
    ]) {
      expect(metrics[key], key).toBeGreaterThan(0);
    }
    expect(metrics.packedKernel).toBe(1);
    expect(metrics.msPerTokenP95).toBeGreaterThanOrEqual(metrics.msPerTokenP50 as number);
    expect(metrics.bytesOnDisk).toBeGreaterThan(metrics.packedBytes as number);
    expect(readFileSync(result.artifacts.report as string, 'utf8')).toMatch(
      /packed ternary kernel[\s\S]*float \(ternary dequantized/,
    );

    const packed = await loadPackedKernelModel(dir);
    const prompt = randomIds(9, 5, 320);
    expect((await generateStreaming(packed.model, prompt, { maxNewTokens: 8 })).tokens).toEqual(
      recomputeGreedy(packed.model, prompt, 8),
    );
    packed.model.dispose();
  });

  it('deploys a model without ternary layers as a float checkpoint, timed on the float path', async () => {
    const root = tempDir('dense');
    roots.push(root);
    const dense = path.join(root, 'dense');
    const model = new TinyTitan(MICRO, { seed: 2 });
    await saveModelCheckpoint(dense, { model, tokenizer: microTokenizer() });
    model.dispose();
    const outcome = await runPipeline({
      phases: [edgePhase],
      runsDir: path.join(root, 'runs'),
      input: fakeResult([{ dir: dense, role: 'trained' }]),
      phaseConfigs: { edge: QUICK },
      seed: 1,
    });
    const result = outcome.result;
    expect(result?.metrics.packedKernel).toBe(0);
    expect(result?.metrics.floatMsPerTokenP50).toBeUndefined();
    expect(existsSync(path.join(result?.models[0]?.dir as string, 'model.safetensors'))).toBe(true);
  });

  it('packs a BitNet input that has no packed file yet, from its latent weights', async () => {
    const root = tempDir('repack');
    roots.push(root);
    const source = path.join(root, 'ternary');
    await saveBitNetDir(source, { seed: 5 });
    const original = readFileSync(path.join(source, PACKED_FILE));
    rmSync(path.join(source, PACKED_FILE));
    const summary = await writeDeployable(source, path.join(root, 'deployable'));
    expect(summary.packedWritten).toBe(true);
    expect(readFileSync(path.join(root, 'deployable', PACKED_FILE)).equals(original)).toBe(true);
    expect(readdirSync(path.join(root, 'deployable')).sort()).toEqual(
      ['config.json', PACKED_FILE, 'tokenizer.json'].sort(),
    );
  });

  it('refuses to run without an input model', async () => {
    const root = tempDir('none');
    roots.push(root);
    await expect(
      runPipeline({
        phases: [edgePhase],
        runsDir: path.join(root, 'runs'),
        input: null,
        phaseConfigs: { edge: QUICK },
        seed: 1,
      }),
    ).rejects.toThrow(/edge needs a model/);
  });
});
