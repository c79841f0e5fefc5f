/**
 * Every op a training step needs runs on the default backend and agrees with the cpu reference:
 * a tiny two-block pre-norm transformer (one RMSNorm + SwiGLU block, one LayerNorm + tanh-GELU
 * block, rotary attention with a causal additive mask, tied head, masked cross-entropy), its loss
 * and all gradients via tf.variableGrads, a global-norm clip and an AdamW update.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { expectSameOutputs, onWasmAndCpu, seededValues, type Outputs } from './reference.js';

const VOCAB = 13;
const DIM = 8;
const HEADS = 2;
const HEAD_DIM = DIM / HEADS;
const HIDDEN = 12;
const BATCH = 2;
const SEQ = 5;
const PAD = 0;

const PARAM_SHAPES: Record<string, number[]> = {
  wte: [VOCAB, DIM],
  rmsGain: [DIM],
  wqkv0: [DIM, 3 * DIM],
  wo0: [DIM, DIM],
  normGain0: [DIM],
  wGate: [DIM, HIDDEN],
  wUp: [DIM, HIDDEN],
  wDown: [HIDDEN, DIM],
  lnGain: [DIM],
  lnBias: [DIM],
  wqkv1: [DIM, 3 * DIM],
  wo1: [DIM, DIM],
  normGain1: [DIM],
  wIn: [DIM, HIDDEN],
  wOut: [HIDDEN, DIM],
  finalGain: [DIM],
};
const TOKENS = [
  [3, 7, 7, 1, 12],
  [5, 2, 9, 9, 4],
];
const TARGETS = [
  [7, 7, 1, 12, 0],
  [2, 9, 9, 4, 11],
]; // a PAD target is masked out of the loss

type Params = Record<string, tf.Variable>;

function makeParams(): Params {
  const entries = Object.entries(PARAM_SHAPES).map(([name, shape], i) => {
    const isGain = name.toLowerCase().includes('gain');
    const values = isGain ? seededValues(shape, 100 + i, 0.1).map((v) => 1 + v) : seededValues(shape, 100 + i, 0.3);
    return [name, tf.variable(tf.tensor(values, shape), true, name)] as const;
  });
  return Object.fromEntries(entries);
}

function param(params: Params, name: string): tf.Variable {
  const value = params[name];
  if (value === undefined) throw new Error(`no param ${name}`);
  return value;
}

const rmsNorm = (x: tf.Tensor, gain: tf.Tensor): tf.Tensor =>
  tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), gain);

function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), bias);
}

const gelu = (x: tf.Tensor): tf.Tensor =>
  tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
const silu = (x: tf.Tensor): tf.Tensor => tf.mul(x, tf.sigmoid(x));

/** Rotary position embedding on [batch, heads, seq, headDim]: rotate (first half, second half) pairs. */
function rotary(x: tf.Tensor): tf.Tensor {
  const half = HEAD_DIM / 2;
  const inverseFrequency = tf.tensor1d(Array.from({ length: half }, (_, i) => 1 / 10000 ** ((2 * i) / HEAD_DIM)));
  const angles = tf.mul(tf.range(0, SEQ).reshape([SEQ, 1]), inverseFrequency.reshape([1, half]));
  const [cos, sin] = [tf.cos(angles), tf.sin(angles)];
  const first = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, half]);
  const second = tf.slice(x, [0, 0, 0, half], [-1, -1, -1, half]);
  return tf.concat(
    [tf.sub(tf.mul(first, cos), tf.mul(second, sin)), tf.add(tf.mul(first, sin), tf.mul(second, cos))],
    -1,
  );
}

function causalMask(): tf.Tensor {
  const lower = tf.linalg.bandPart(tf.fill([SEQ, SEQ], 1), -1, 0);
  return tf.mul(tf.sub(1, lower), -1e9);
}

function attention(x: tf.Tensor, wqkv: tf.Tensor, wo: tf.Tensor): tf.Tensor {
  const qkv = tf.matMul(x.reshape([BATCH * SEQ, DIM]), wqkv).reshape([BATCH, SEQ, 3, HEADS, HEAD_DIM]);
  const [q, k, v] = tf
    .split(tf.transpose(qkv, [2, 0, 3, 1, 4]), 3, 0)
    .map((t) => t.reshape([BATCH, HEADS, SEQ, HEAD_DIM]));
  if (q === undefined || k === undefined || v === undefined) throw new Error('split');
  const scores = tf.add(tf.div(tf.matMul(rotary(q), rotary(k), false, true), Math.sqrt(HEAD_DIM)), causalMask());
  const mixed = tf.matMul(tf.softmax(scores, -1), v);
  return tf.matMul(tf.transpose(mixed, [0, 2, 1, 3]).reshape([BATCH * SEQ, DIM]), wo).reshape([BATCH, SEQ, DIM]);
}

function forwardLoss(params: Params): tf.Scalar {
  const p = (name: string): tf.Variable => param(params, name);
  const tokens = tf.tensor2d(TOKENS, [BATCH, SEQ], 'int32');
  let h = tf.gather(p('wte'), tokens);
  h = tf.add(h, attention(rmsNorm(h, p('rmsGain')), p('wqkv0'), p('wo0')));
  const flat0 = rmsNorm(h, p('normGain0')).reshape([BATCH * SEQ, DIM]);
  const swiglu = tf.mul(silu(tf.matMul(flat0, p('wGate'))), tf.matMul(flat0, p('wUp')));
  h = tf.add(h, tf.matMul(swiglu, p('wDown')).reshape([BATCH, SEQ, DIM]));
  h = tf.add(h, attention(layerNorm(h, p('lnGain'), p('lnBias')), p('wqkv1'), p('wo1')));
  const flat1 = rmsNorm(h, p('normGain1')).reshape([BATCH * SEQ, DIM]);
  h = tf.add(h, tf.matMul(gelu(tf.matMul(flat1, p('wIn'))), p('wOut')).reshape([BATCH, SEQ, DIM]));
  const logits = tf.matMul(rmsNorm(h, p('finalGain')).reshape([BATCH * SEQ, DIM]), p('wte'), false, true);
  const targets = tf.tensor1d(TARGETS.flat(), 'int32');
  const tokenLoss = tf.neg(tf.sum(tf.mul(tf.oneHot(targets, VOCAB), tf.logSoftmax(logits, -1)), -1));
  const keep = tf.cast(tf.notEqual(targets, PAD), 'float32');
  return tf.div(tf.sum(tf.mul(tokenLoss, keep)), tf.maximum(tf.sum(keep), 1)) as tf.Scalar;
}

function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { clipped: tf.Tensor[]; norm: tf.Tensor } {
  const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  return { clipped: grads.map((g) => tf.mul(g, scale)), norm };
}

/** One AdamW step from zero moments (step 1), written out op by op. */
function adamWUpdate(value: tf.Tensor, grad: tf.Tensor): tf.Tensor {
  const [lr, beta1, beta2, eps, weightDecay] = [1e-2, 0.9, 0.95, 1e-8, 0.1];
  const m = tf.add(tf.mul(tf.zerosLike(grad), beta1), tf.mul(grad, 1 - beta1));
  const v = tf.add(tf.mul(tf.zerosLike(grad), beta2), tf.mul(tf.square(grad), 1 - beta2));
  const update = tf.div(tf.div(m, 1 - beta1), tf.add(tf.sqrt(tf.div(v, 1 - beta2)), eps));
  return tf.sub(value, tf.mul(tf.add(update, tf.mul(value, weightDecay)), lr));
}

function trainingStep(): tf.Tensor[] {
  const params = makeParams();
  const names = Object.keys(PARAM_SHAPES);
  const { value, grads } = tf.variableGrads(
    () => forwardLoss(params),
    names.map((name) => param(params, name)),
  );
  const rawGrads = names.map((name) => grads[name] ?? tf.scalar(Number.NaN));
  const { clipped, norm } = clipByGlobalNorm(rawGrads, 0.5);
  const updated = names.map((name, i) => adamWUpdate(param(params, name), clipped[i] ?? tf.scalar(Number.NaN)));
  const outputs = [value, norm, ...rawGrads, ...clipped, ...updated].map((t) => tf.clone(t));
  Object.values(params).forEach((variable) => variable.dispose());
  return outputs;
}

describe('op coverage: a tiny transformer training step on the default backend', () => {
  let result: { wasm: Outputs; cpu: Outputs };

  beforeAll(async () => {
    const info = await initBackend();
    expect(info.choice).toBe('wasm');
    result = await onWasmAndCpu(trainingStep);
  });

  it('computes a finite loss near ln(vocab) at init', () => {
    const loss = result.wasm.values[0]?.[0] ?? Number.NaN;
    expect(Number.isFinite(loss)).toBe(true);
    expect(Math.abs(loss - Math.log(VOCAB))).toBeLessThan(1.5);
  });

  it('gives a gradient for every parameter, none all-zero, and clips them to the max norm', () => {
    const count = Object.keys(PARAM_SHAPES).length;
    const rawGrads = result.wasm.values.slice(2, 2 + count);
    for (const grad of rawGrads) expect(grad.some((g) => g !== 0)).toBe(true);
    const norm = result.wasm.values[1]?.[0] ?? 0;
    expect(norm).toBeGreaterThan(0.5); // so the clip below actually scaled something
    const clipped = result.wasm.values.slice(2 + count, 2 + 2 * count);
    const clippedNorm = Math.sqrt(clipped.reduce((sum, g) => sum + g.reduce((s, x) => s + x * x, 0), 0));
    expect(clippedNorm).toBeCloseTo(0.5, 4);
  });

  it('agrees with the cpu backend: loss, norm, all gradients, clipped gradients and AdamW-updated params', () => {
    expectSameOutputs(result.wasm, result.cpu, 1e-4, 1e-6);
  });
});
