// The quality budget on a briefly trained model, where 2-bit weights really cost loss (on an untrained
// model quantization barely moves it): the budget must step tensors up to a better method, and the
// reloaded compressed model's loss, measured here with a cross-entropy written in this file on windows of
// our own, must stay near the trained model's while 2 bits everywhere would not.
import path from 'node:path';
import {
  Rng,
  SPECIAL_IDS,
  TinyTitan,
  TrainConfigSchema,
  documentBatchSource,
  formatProblem,
  generateProblems,
  phaseDirName,
  readPhaseResult,
  runPipeline,
  saveModelCheckpoint,
  tf,
  train,
  initBackend,
} from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  COMPRESSED_FILE,
  compressionPhase,
  getCompressor,
  loadCompressedModel,
  parseMethodSettings,
  readCompressedFile,
} from '../src/index.js';
import { MICRO, fakeResult, microTokenizer, tempDir } from './helpers.js';

beforeAll(async () => {
  await initBackend();
});

const texts = (seed: number, count: number): string[] =>
  generateProblems({ count, seed, difficulty: 1 }).map((problem) => formatProblem(problem).text);

/** Mean next-token cross-entropy (nats) over `rows`, from the logits by a log-softmax written out here. */
function crossEntropy(model: TinyTitan, rows: number[][]): number {
  let total = 0;
  let count = 0;
  for (const row of rows) {
    const logits = tf.tidy(() => model.forward(tf.tensor2d([row.slice(0, -1)], [1, row.length - 1], 'int32')));
    const values = logits.dataSync() as Float32Array;
    const vocab = logits.shape[2] as number;
    logits.dispose();
    for (let t = 0; t < row.length - 1; t++) {
      const slice = values.subarray(t * vocab, (t + 1) * vocab);
      const max = Math.max(...slice);
      const logSum = Math.log(slice.reduce((sum, x) => sum + Math.exp(x - max), 0)) + max;
      total += logSum - (slice[row[t + 1] as number] as number);
      count++;
    }
  }
  return total / count;
}

/** Every weight rounded to 2-bit integers: the smallest candidate everywhere, no budget. */
function twoBitEverywhere(model: TinyTitan): void {
  const rtn = getCompressor('rtn');
  const settings = parseMethodSettings('rtn', { bits: 2 }, 'int2');
  for (const weight of model.namedWeights().values()) {
    const values = weight.dataSync() as Float32Array;
    const decoded = rtn.decode(rtn.encode(values, weight.shape, settings, Rng.fromSeed(1)));
    weight.assign(tf.tensor(decoded, weight.shape, 'float32'));
  }
}

describe('the compression budget on a trained model', () => {
  it('steps tensors up from 2 bits to keep the loss, and the reloaded model shows it', async () => {
    const tokenizer = microTokenizer();
    const model = new TinyTitan(MICRO, { seed: 5 });
    const documents = texts(11, 120).map((text) => Int32Array.from(tokenizer.encode(text)));
    const data = documentBatchSource(documents, {
      batchSize: 8,
      contextLength: MICRO.contextLength,
      seed: 1,
      eosId: SPECIAL_IDS.eos,
    });
    await train({
      model,
      data,
      config: TrainConfigSchema.parse({ steps: 80, batchSize: 8, lr: 1e-2, warmupSteps: 5 }),
    });
    const inputDir = path.join(tempDir('trained'), 'input');
    await saveModelCheckpoint(inputDir, { model, tokenizer });

    const outcome = await runPipeline({
      phases: [compressionPhase],
      runsDir: path.join(path.dirname(inputDir), 'runs'),
      input: fakeResult([{ dir: inputDir, role: 'deployable' }]),
      phaseConfigs: {
        compression: {
          candidates: [
            { label: 'int2', method: 'rtn', settings: { bits: 2 } },
            { label: 'int8', method: 'rtn', settings: { bits: 8 } },
            { method: 'fp32' },
          ],
          maxRelativeError: 10,
          maxLossIncrease: 0.02,
          methodReports: false,
          calibrate: false,
          evalWindows: 4,
          budgetWindows: 4,
          evalProblems: 1,
          maxNewTokens: 2,
          data: { kind: 'builtin', count: 150, seed: 3, difficulty: 1 },
        },
      },
      seed: 1,
    });
    const result = readPhaseResult(path.join(outcome.runDir, phaseDirName('compression')));
    const dir = result.models[0]?.dir as string;
    const { metrics } = result;
    // The budget stepped tensors up: some stayed at 2 bits, some went to 8 (read from the file itself).
    const bits = [...(await readCompressedFile(path.join(dir, COMPRESSED_FILE))).values()].map((t) => t.params.bits);
    expect(bits).toContain(2);
    expect(bits).toContain(8);
    expect(metrics['chosen.int8.weights']).toBeGreaterThan(0);
    expect(metrics.budgetEvaluations).toBeGreaterThan(1 + 4); // baseline + one check per group, then step-ups
    expect(metrics.budgetLossFinal).toBeLessThanOrEqual((metrics.budgetLossBaseline as number) * 1.02 + 1e-9);

    // Held-out rows of our own (another seed of problems), cut to the context length + 1.
    const rows = texts(99, 12)
      .map((text) => tokenizer.encode(text).slice(0, MICRO.contextLength + 1))
      .filter((row) => row.length === MICRO.contextLength + 1);
    const trained = crossEntropy(model, rows);
    const compressed = await loadCompressedModel(dir);
    const reloaded = crossEntropy(compressed.model, rows);
    twoBitEverywhere(model);
    const twoBit = crossEntropy(model, rows);
    // 2 bits everywhere costs real loss; the budgeted model, as reloaded from its file, keeps almost all of it.
    expect(twoBit - trained).toBeGreaterThan(0.1);
    expect(reloaded - trained).toBeLessThan(0.2 * (twoBit - trained));
    compressed.model.dispose();
    model.dispose();
  });
});
