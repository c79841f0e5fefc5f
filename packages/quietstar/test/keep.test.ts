/**
 * The phase never hands on a model worse than its input: the comparison on the same positions, the
 * decision, a deliberately damaging run that keeps the input, and the answer-token figures.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Rng,
  SPECIAL_IDS,
  tf,
  TinyTitan,
  formatProblem,
  generateProblems,
  checkSetWindows,
  heldOutWindows,
  loadModelCheckpoint,
  readPhaseResult,
  phaseDirName,
  runPipeline,
  useBackend,
} from '@agent-forge/core';
import { readFileSync } from 'node:fs';
import {
  answerTargetMask,
  checkWindows,
  compareWithInput,
  evaluateAnswerTokens,
  loadThinker,
  quietStarObjective,
  quietstarPhase,
  type AnswerEvaluation,
  type CheckLosses,
  type ThoughtEvaluation,
} from '../src/index.js';
import {
  MICRO,
  fakeResult,
  maxAbsDifference,
  microThinker,
  microTokenizer,
  randomTokens,
  saveInput,
  tempDir,
} from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** The parts of an evaluation `compareWithInput` reads: one row, positions 1 … 4 of a row of 6. */
function evaluationOf(without: number[]): ThoughtEvaluation {
  return {
    positionStarts: [1],
    positionsPerRow: without.length,
    withoutThoughtsNll: Float32Array.from(without),
  } as unknown as ThoughtEvaluation;
}

const NO_ANSWERS = {
  indices: new Int32Array(0),
  withoutNll: new Float32Array(0),
  withNll: new Float32Array(0),
} as unknown as AnswerEvaluation;

/** Check-set losses (the decision's basis): one window, the given candidates' means. */
function checkOf(input: number, trained: number, control?: number): CheckLosses {
  return { windows: 1, input, trained, control };
}

describe('compareWithInput', () => {
  const input = Float32Array.from([9, 1, 1, 1, 1, 9]);
  it('reports at the same positions, and keeps the input when the trained model is worse on the check set', () => {
    const worse = compareWithInput(
      { length: 6, input },
      evaluationOf([1.5, 1.5, 1.1, 1.3]),
      NO_ANSWERS,
      checkOf(1, 1.2),
    );
    expect(worse.lossBefore).toBe(1); // positions 1 … 4 only, not the 9s outside the window
    expect(worse.changeWithoutThoughts.mean).toBeCloseTo(0.35, 6);
    expect(worse.handedOn).toBe('input');
    expect(worse.check?.trained).toBe(1.2);
    const off = compareWithInput({ length: 6, input }, evaluationOf([1.5, 1.5, 1.1, 1.3]), NO_ANSWERS, undefined);
    expect(off.handedOn).toBe('trained');
  });

  it('decides on the check set, not on the reported positions', () => {
    // Reported: the trained model is worse than the input; check set: it is better. The check set decides.
    const reportedWorse = evaluationOf([1.5, 1.5, 1.1, 1.3]);
    expect(compareWithInput({ length: 6, input }, reportedWorse, NO_ANSWERS, checkOf(1, 0.9)).handedOn).toBe('trained');
    const reportedBetter = evaluationOf([0.5, 0.5, 0.5, 0.5]);
    expect(compareWithInput({ length: 6, input }, reportedBetter, NO_ANSWERS, checkOf(1, 1.1)).handedOn).toBe('input');
  });

  it('measures the trained model against the control at the same positions', () => {
    const control = Float32Array.from([0, 0.95, 0.95, 0.95, 0.95, 0]);
    const better = compareWithInput(
      { length: 6, input, control },
      evaluationOf([0.9, 0.8, 0.9, 0.8]),
      NO_ANSWERS,
      checkOf(1, 0.85, 0.95),
    );
    expect(better.handedOn).toBe('trained');
    expect(better.changeWithoutThoughts.mean).toBeCloseTo(-0.15, 6);
    expect(better.controlLoss).toBeCloseTo(0.95, 6);
    expect(better.changeVersusControl?.mean).toBeCloseTo(-0.1, 6);
  });

  it('hands on the plain fine-tune when it beats both on the check set', () => {
    const control = Float32Array.from([0, 0.5, 0.5, 0.5, 0.5, 0]);
    const any = evaluationOf([1, 1, 1, 1]);
    expect(compareWithInput({ length: 6, input, control }, any, NO_ANSWERS, checkOf(1, 1.2, 0.5)).handedOn).toBe(
      'control',
    );
    expect(compareWithInput({ length: 6, input, control }, any, NO_ANSWERS, checkOf(1, 0.4, 0.5)).handedOn).toBe(
      'trained',
    );
  });
});

describe('check set', () => {
  it("is core's checkSetWindows, naming handOnBest when the held-out data has none left", () => {
    const documents = [0, 1, 2].map((d) => Int32Array.from({ length: 11 }, (_, i) => 100 + 11 * d + i));
    const reported = heldOutWindows(documents, 8, SPECIAL_IDS.eos, 2);
    expect(checkWindows(documents, 8, reported.rows)).toEqual(checkSetWindows(documents, 8, reported.rows, 'x'));
    expect(() => checkWindows(documents, 16, 4)).toThrow(/handOnBest/);
  });
});

describe('base-LM loss term', () => {
  it('with baseLossWeight 1 and no policy term, the objective is the plain next-token loss over every position', () => {
    const thinker = microThinker({ baseLossWeight: 1, policyWeight: 0, thoughtPositions: 3 });
    const tokens = randomTokens(8, 2, 10, 320);
    const batch = quietStarObjective(thinker, tokens, Rng.fromSeed(2));
    const plain = tf.tidy(() => {
      const logits = thinker.model.forward(tf.slice(tokens, [0, 0], [2, 9]) as tf.Tensor2D);
      const targets = tf.oneHot(tf.slice(tokens, [0, 1], [2, 9]) as tf.Tensor2D, 320);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), targets), -1))).dataSync()[0] as number;
    });
    expect(batch.loss.dataSync()[0]).toBeCloseTo(plain, 5);
    expect(batch.baseLmLoss).toBeCloseTo(plain, 5);
    batch.loss.dispose();
    tokens.dispose();
    thinker.model.dispose();
    thinker.dispose();
  });
});

describe('answer tokens', () => {
  it('marks exactly the tokens of the number after ####', () => {
    const tokenizer = microTokenizer();
    const text = formatProblem(generateProblems({ count: 1, seed: 5, difficulty: 2 })[0]!).text;
    const ids = [...tokenizer.encode(text), SPECIAL_IDS.eos, ...tokenizer.encode('#### 7'), SPECIAL_IDS.eos];
    const windows = { tokens: Int32Array.from(ids), rows: 1, cols: ids.length };
    const mask = answerTargetMask(windows, tokenizer);
    const marked = [...mask.keys()].filter((j) => mask[j] === 1).map((j) => ids[j + 1] as number);
    const answer = text.slice(text.lastIndexOf('####') + 4).trim();
    expect(answer).toMatch(/^\d+$/);
    // Both answers, nothing else: the question's and the working's numbers are not marked.
    expect(tokenizer.decode(marked).replace(/\s/g, '')).toBe(`${answer}7`);
  });

  it('scores answer tokens with and without thoughts at the positions the mask names', () => {
    const thinker = microThinker({ thoughtPositions: 4 });
    const tokens = randomTokens(11, 2, 13, 320);
    const windows = { tokens: tokens.dataSync() as Int32Array, rows: 2, cols: 13 };
    tokens.dispose();
    const mask = new Uint8Array(2 * 12);
    mask[3] = 1;
    mask[4] = 1;
    mask[12 + 11] = 1; // the last position: the window is pulled back to fit
    const answers = evaluateAnswerTokens(thinker, windows, mask, 3);
    expect([...answers.indices]).toEqual([3, 4, 23]);
    // A fresh linear mixing head has w = 0: with and without thoughts predict the same.
    expect(answers.delta).toBe(0);
    expect(answers.lossWithThoughts).toBeCloseTo(answers.lossWithoutThoughts, 6);
    thinker.model.dispose();
    thinker.dispose();
  });
});

describe('quietstar phase with a damaging setting', () => {
  it('hands on the input unchanged when training made the model worse', async () => {
    const root = tempDir('damage');
    const inputDir = path.join(root, 'input');
    const model = new TinyTitan(MICRO, { seed: 4 });
    await saveInput(inputDir, model);
    const outcome = await runPipeline({
      phases: [quietstarPhase],
      runsDir: path.join(root, 'runs'),
      input: fakeResult([{ dir: inputDir, role: 'merged' }]),
      phaseConfigs: {
        quietstar: {
          steps: 3,
          batchSize: 2,
          thoughtPositions: 6,
          thoughtLength: 2,
          lr: 0.5,
          warmupSteps: 0,
          spikeFactor: 0,
          evalWindows: 2,
          evalProblems: 0,
          latencyTokens: 0,
          fineTuneControl: false,
          data: { kind: 'builtin', count: 150, seed: 3, difficulty: 2 },
        },
      },
      seed: 1,
    });
    const result = readPhaseResult(path.join(outcome.runDir, phaseDirName('quietstar')));
    expect(result.metrics.lossChangeWithoutThoughts).toBeGreaterThan(0.1);
    expect(result.metrics.handedOn).toBe(1); // the input
    // Chosen on the check set: the trained model was worse there too.
    expect(result.metrics.checkWindows).toBe(2);
    expect(result.metrics.checkLossWithoutThoughts).toBeGreaterThan(result.metrics.checkLossBefore as number);
    expect(readFileSync(result.artifacts.report as string, 'utf8')).toMatch(/hands on the input model unchanged/);
    const saved = await loadThinker(result.models[0]!.dir);
    const original = await loadModelCheckpoint(inputDir);
    const probe = randomTokens(6, 1, 10, 320);
    expect(maxAbsDifference(saved.thinker.model.forward(probe), original.model.forward(probe))).toBe(0);
    expect(saved.thinker.settings.mixWeight).toBe('linear');
    for (const m of [saved.thinker.model, original.model, model]) m.dispose();
    saved.thinker.dispose();
    probe.dispose();
  });
});
