import { beforeAll, describe, expect, it } from 'vitest';
import { ForgeError, tf, useBackend } from '@agent-forge/core';
import { ModularTransformer, addRowBias } from '../src/modular/model.js';
import {
  EQUATION_LENGTH,
  EpochBatches,
  GrokfastDemoOptionsSchema,
  grokfastTable,
  modularEquations,
  modularVocab,
  runGrokfastArm,
  runGrokfastDemo,
} from '../src/index.js';

beforeAll(async () => {
  await useBackend('wasm');
});

const rowsOf = (data: Int32Array): number[][] =>
  Array.from({ length: data.length / EQUATION_LENGTH }, (_, i) =>
    Array.from(data.subarray(i * EQUATION_LENGTH, (i + 1) * EQUATION_LENGTH)),
  );

/** The "steps to target" cell of `arm`'s row in a Markdown table from grokfastTable. */
const stepsCell = (table: string, arm: string): string | undefined =>
  table
    .split('\n')
    .find((line) => line.startsWith(`| ${arm} |`))
    ?.split(' | ')[1];

/**
 * The reference's decoder (ironjr/grokfast main.py's Block) written out over every position with plain
 * ops, independently of the model's code: x = ln1(x); x = x + attn(x) (causal); x = x + mlp(ln2(x)).
 */
function referenceLogits(model: ModularTransformer, inputs: tf.Tensor2D): tf.Tensor {
  const w = (name: string) => model.namedWeights().get(name) as tf.Tensor;
  const { nLayers, nHeads, dModel: d, inputLength: length } = model.config;
  const norm = (x: tf.Tensor, p: string) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), w(`${p}.gain`)), w(`${p}.bias`));
  };
  const dense = (x: tf.Tensor, p: string) => {
    const weight = w(`${p}.weight`);
    const flat = tf.reshape(x, [-1, weight.shape[0] as number]);
    return tf.reshape(tf.add(tf.matMul(flat, weight as tf.Tensor2D), w(`${p}.bias`)), [
      ...x.shape.slice(0, -1),
      weight.shape[1] as number,
    ]);
  };
  const batch = inputs.shape[0];
  let h = tf.add(tf.gather(w('tok.weight'), inputs), w('pos.weight'));
  for (let layer = 0; layer < nLayers; layer++) {
    const p = `blocks.${layer}`;
    h = norm(h, `${p}.ln1`);
    const qkv = dense(h, `${p}.attn.qkv`);
    const heads = (part: number) =>
      tf.transpose(
        tf.reshape(tf.slice(qkv, [0, 0, part * d], [batch, length, d]), [batch, length, nHeads, d / nHeads]),
        [0, 2, 1, 3],
      );
    const scores = tf.div(tf.matMul(heads(0), heads(1), false, true), Math.sqrt(d / nHeads));
    const future = tf.sub(1, tf.linalg.bandPart(tf.ones([length, length]), -1, 0));
    const mixed = tf.matMul(tf.softmax(tf.add(scores, tf.mul(future, -1e9))), heads(2));
    h = tf.add(h, dense(tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, length, d]), `${p}.attn.out`));
    const up = dense(norm(h, `${p}.ln2`), `${p}.mlp.up`);
    const gelu = tf.mul(tf.mul(up, 0.5), tf.add(1, tf.erf(tf.div(up, Math.SQRT2))));
    h = tf.add(h, dense(gelu, `${p}.mlp.down`));
  }
  const last = tf.reshape(tf.slice(h, [0, length - 1, 0], [batch, 1, d]), [batch, d]);
  return tf.dot(norm(last, 'lnf'), w('head.weight'));
}

describe('modular arithmetic task', () => {
  it("gives the reference decoder's answer logits, computing the last layer at the answer position only", () => {
    for (const nLayers of [1, 2]) {
      const model = new ModularTransformer({ vocabSize: 13, inputLength: 4, dModel: 16, nLayers, nHeads: 4 }, 5);
      const inputs = tf.tensor2d([3, 11, 7, 12, 0, 11, 9, 12, 5, 11, 5, 12], [3, 4], 'int32');
      const ours = model.answerLogits(inputs);
      expect(ours.shape).toEqual([3, 13]);
      const gap = tf.max(tf.abs(tf.sub(ours, referenceLogits(model, inputs)))).dataSync()[0];
      expect(gap, `${nLayers} layers`).toBeLessThan(1e-4);
      model.dispose();
    }
  });

  it("adds a row bias with tfjs's own gradients: dy for the input, the column sums of dy for the bias", () => {
    const y = tf.randomNormal([7, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    const bias = tf.randomNormal([5], 0, 1, 'float32', 4);
    const upstream = tf.randomNormal([7, 5], 0, 1, 'float32', 5);
    const lossOf = (add: (a: tf.Tensor2D, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.square(add(a as tf.Tensor2D, b)), upstream));
    const [dyOurs, dbOurs] = tf.grads(lossOf(addRowBias))([y, bias]);
    const [dyPlain, dbPlain] = tf.grads(lossOf((a, b) => tf.add(a, b)))([y, bias]);
    expect(tf.max(tf.abs(tf.sub(dyOurs as tf.Tensor, dyPlain as tf.Tensor))).dataSync()[0]).toBeLessThan(1e-5);
    expect(dbOurs?.shape).toEqual([5]);
    expect(tf.max(tf.abs(tf.sub(dbOurs as tf.Tensor, dbPlain as tf.Tensor))).dataSync()[0]).toBeLessThan(1e-5);
    expect(Array.from(addRowBias(y, bias).dataSync())).toEqual(Array.from(tf.add(y, bias).dataSync()));
  });

  it('builds the reference table: a·b mod p for b ≠ 0, split in halves without overlap', () => {
    const split = modularEquations(97, 'multiply', 0.5, 0);
    const all = [...rowsOf(split.train), ...rowsOf(split.validation)];
    expect(all.length).toBe(97 * 96);
    expect(split.train.length / EQUATION_LENGTH).toBe((97 * 96) / 2);
    const { equals, operator } = modularVocab(97);
    const wrong = all.filter(
      ([a, op, b, eq, c]) => op !== operator || eq !== equals || b === 0 || c !== ((a as number) * (b as number)) % 97,
    );
    expect(wrong).toEqual([]);
    expect(new Set(all.map((row) => `${row[0]},${row[2]}`)).size).toBe(all.length);
    expect(modularEquations(5, 'add', 0.5, 0).train.length / EQUATION_LENGTH).toBe(12);
    expect(() => modularEquations(97, 'add', 1, 0)).toThrow(ForgeError);
  });

  it('serves every training row once per pass, the last batch holding the rest', () => {
    const split = modularEquations(7, 'add', 0.5, 1);
    const rows = split.train.length / EQUATION_LENGTH;
    const batches = new EpochBatches(split.train, 10, 3);
    const seen: string[] = [];
    let served = 0;
    while (served < rows) {
      const batch = batches.next();
      served += batch.rows;
      seen.push(...rowsOf(batch.tokens).map((row) => row.join(',')));
    }
    expect(served).toBe(rows);
    expect(new Set(seen)).toEqual(new Set(rowsOf(split.train).map((row) => row.join(','))));
  });

  it('the decoder learns: the training loss of a small table falls well below chance level', async () => {
    const run = await runGrokfastArm(
      { label: 'baseline', settings: {}, weightDecay: 0 },
      0,
      GrokfastDemoOptionsSchema.parse({
        operation: 'add',
        modulus: 7,
        dModel: 16,
        nLayers: 1,
        nHeads: 2,
        batchSize: 12,
        lr: 2e-2,
        maxSteps: 40,
      }),
    );
    // Chance level is ln(9) ≈ 2.2 (9 tokens); the first step sits near it.
    expect(run.firstLoss).toBeGreaterThan(1.5);
    expect(run.lastLoss).toBeLessThan(run.firstLoss * 0.5);
    // 24 training rows in batches of 12: two steps per epoch, one curve point per epoch.
    expect(run.curve.map((point) => point.step)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * (i + 1)));
    expect(run.curve.at(-1)?.trainAccuracy).toBeGreaterThan(0.5);
  });

  it('runs the demo end to end and prints an honest table (caps reported, paper figures beside)', async () => {
    const result = await runGrokfastDemo({
      operation: 'add',
      modulus: 5,
      seeds: [0],
      maxSteps: 4,
      dModel: 16,
      nHeads: 2,
      batchSize: 8,
      targetAccuracy: 1,
    });
    expect(result.runs.map((run) => run.arm)).toEqual([
      'baseline',
      'Grokfast-MA (w=100, λ=5)',
      'Grokfast-EMA (α=0.98, λ=2)',
    ]);
    const table = grokfastTable(result.options, result.runs);
    expect(table).toMatch(/\| run \| steps to 100% val\. acc\./);
    expect(table).toMatch(/39890/);
    expect(table).toContain('coupled L2 weight decay 0 (baseline), 0.01 (ma), 0.005 (ema)');
    // 4 steps never reach 100% validation accuracy: each arm's row says so, with the steps run and the accuracy.
    expect(result.runs.map((run) => run.stepsToTarget)).toEqual([undefined, undefined, undefined]);
    for (const run of result.runs) {
      const accuracy = `${(run.finalValidationAccuracy * 100).toFixed(1)}%`;
      expect(stepsCell(table, run.arm)).toBe(`> ${run.stepsRun} (val ${accuracy}, cap)`);
    }
    // A target of 1% is met within 40 steps (the run stops there): the row gives that step count.
    const easy = await runGrokfastDemo({ ...result.options, seeds: [0], maxSteps: 40, targetAccuracy: 0.01 });
    const easyTable = grokfastTable(easy.options, easy.runs);
    for (const run of easy.runs) {
      expect(run.stepsToTarget, run.arm).toBe(run.stepsRun);
      expect(run.stepsRun, run.arm).toBeLessThan(40);
      expect(stepsCell(easyTable, run.arm)).toBe(String(run.stepsRun));
    }
    await expect(runGrokfastDemo({ maxSteps: 0 })).rejects.toThrow(/maxSteps/);
  });
});
