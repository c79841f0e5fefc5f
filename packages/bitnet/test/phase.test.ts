import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ForgeError,
  PACKED_FILE,
  buildBitNetModel,
  loadModelCheckpoint,
  loadPackedModel,
  phaseDirName,
  readPhaseResult,
  runPipeline,
  tf,
  useBackend,
} from '@agent-forge/core';
import { BITNET_MODEL_DIR, bitnetPhase } from '../src/index.js';
import { fakeResult, maxAbsDifference, randomTokens, saveDenseInput, tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const MICRO_PHASE = {
  steps: 4,
  batchSize: 4,
  evalWindows: 4,
  evalProblems: 2,
  maxNewTokens: 6,
  data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
};

describe('bitnet phase', () => {
  it('converts, fine-tunes, reports and saves a checkpoint that loads back exactly, end to end', async () => {
    const root = tempDir('phase');
    const inputDir = path.join(root, 'dense');
    await saveDenseInput(inputDir);
    const decoy = path.join(root, 'decoy');
    const input = fakeResult([
      { dir: decoy, role: 'candidate' },
      { dir: inputDir, role: 'merged' },
    ]);
    const outcome = await runPipeline({
      phases: [bitnetPhase],
      runsDir: path.join(root, 'runs'),
      input,
      phaseConfigs: { bitnet: MICRO_PHASE },
      seed: 1,
    });
    const result = readPhaseResult(path.join(outcome.runDir, phaseDirName('bitnet')));
    const { metrics } = result;
    expect(metrics.ternaryShare).toBeGreaterThan(0);
    expect(metrics.ternaryShare).toBeLessThan(1);
    for (const key of [
      'perplexityBefore',
      'perplexityConverted',
      'perplexityAfter',
      'perplexityDegradationPct',
      'accuracyBefore',
      'accuracyAfter',
      'quantizedRatio',
      'checkpointRatio',
    ]) {
      expect(Number.isFinite(metrics[key]), key).toBe(true);
    }
    expect(metrics.trainSteps).toBe(4);
    expect(metrics.quantizedRatio).toBeGreaterThanOrEqual(8);
    expect(metrics.checkpointRatio).toBeGreaterThan(1);
    expect(metrics.checkpointRatio).toBeLessThan(metrics.quantizedRatio as number);
    const dir = result.models[0]?.dir as string;
    expect(dir).toBe(path.join(outcome.runDir, phaseDirName('bitnet'), BITNET_MODEL_DIR));
    expect(result.models[0]?.role).toBe('ternary');
    expect(existsSync(path.join(dir, PACKED_FILE))).toBe(true);
    expect(readFileSync(result.artifacts.report as string, 'utf8')).toMatch(/What limits the whole-model ratio/);

    const latent = await loadModelCheckpoint(dir, { build: buildBitNetModel });
    const packed = await loadPackedModel(dir);
    const tokens = randomTokens(4, 2, 8, latent.model.config.vocabSize);
    // The default packed file stores the embedding 8-bit per row: close to the latent one, not equal …
    const latentEmbed = latent.model.namedWeights().get('embed.weight') as tf.Variable;
    const packedEmbed = packed.model.namedWeights().get('embed.weight') as tf.Variable;
    const embedGap = maxAbsDifference(packedEmbed, latentEmbed);
    expect(embedGap).toBeGreaterThan(0);
    expect(embedGap).toBeLessThanOrEqual(
      tf.tidy(() => tf.max(tf.abs(latentEmbed)).dataSync()[0] as number) / 254 + 1e-7,
    );
    // … and with that embedding in the latent model, everything else gives the packed logits bit for bit.
    latentEmbed.assign(packedEmbed);
    expect(maxAbsDifference(packed.model.forward(tokens), latent.model.forward(tokens))).toBe(0);
    const evalLoss = tf.tidy(
      () => latent.model.loss(randomTokens(5, 2, 9, latent.model.config.vocabSize)).dataSync()[0],
    );
    expect(Number.isFinite(evalLoss)).toBe(true);
    latent.model.dispose();
    packed.model.dispose();
  });

  it('resumes an interrupted fine-tune from its saved training state', async () => {
    const root = tempDir('resume');
    const inputDir = path.join(root, 'dense');
    await saveDenseInput(inputDir);
    const options = {
      phases: [bitnetPhase],
      runsDir: path.join(root, 'runs'),
      input: fakeResult([{ dir: inputDir, role: 'merged' }]),
      phaseConfigs: { bitnet: MICRO_PHASE },
      seed: 1,
    };
    const abort = new AbortController();
    abort.abort();
    await expect(runPipeline({ ...options, runId: 'r1', signal: abort.signal })).rejects.toThrow(
      /forge run --resume r1/,
    );
    const outcome = await runPipeline({ ...options, resumeRunId: 'r1' });
    expect(outcome.result?.metrics.resumedFromStep).toBe(1);
    expect(outcome.result?.metrics.trainSteps).toBe(4);
  });

  it('fails clearly without an input model', async () => {
    const runsDir = path.join(tempDir('noinput'), 'runs');
    await expect(
      runPipeline({ phases: [bitnetPhase], runsDir, phaseConfigs: { bitnet: MICRO_PHASE } }),
    ).rejects.toThrow(/bitnet needs a model: run after cognate\/evomerge or pass --input/);
    await expect(
      runPipeline({ phases: [bitnetPhase], runsDir, input: fakeResult([]), phaseConfigs: { bitnet: MICRO_PHASE } }),
    ).rejects.toThrow(/lists none/);
  });

  it('names the directory when the input checkpoint cannot be loaded', async () => {
    const missing = path.join(tempDir('missing'), 'nothing-here');
    const run = bitnetPhase.run(
      fakeResult([{ dir: missing, role: 'merged' }]),
      bitnetPhase.configSchema.parse(MICRO_PHASE),
      {} as never,
    );
    await expect(run).rejects.toThrow(ForgeError);
    await expect(
      bitnetPhase.run(
        fakeResult([{ dir: missing, role: 'merged' }]),
        bitnetPhase.configSchema.parse(MICRO_PHASE),
        {} as never,
      ),
    ).rejects.toThrow(/bitnet cannot load the input model at .*nothing-here/);
  });

  it('rejects a bad config naming the field', async () => {
    const runsDir = path.join(tempDir('badconfig'), 'runs');
    await expect(
      runPipeline({ phases: [bitnetPhase], runsDir, phaseConfigs: { bitnet: { activationBits: 1 } } }),
    ).rejects.toThrow(/phases\.bitnet\.activationBits/);
  });
});
