// The fused native kernels (AdamW, log-softmax cross-entropy) against the tensor-op versions on the
// cpu backend. The native kernels are required here: FORGE_NATIVE_KERNELS=1.
process.env['FORGE_NATIVE_KERNELS'] = '1';

import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend/index.js';
import { FUSED_KERNELS, hasFusedKernel } from '../../src/backend/kernels/native-addon.js';
import { TinyTitan, parseModelConfig } from '../../src/model/index.js';
import { crossEntropy } from '../../src/model/loss.js';
import { createNorm } from '../../src/model/norm.js';
import { RotaryEmbedding } from '../../src/model/rotary.js';
import { AdamW } from '../../src/train/adamw.js';
import { expectSameOutputs, onWasmAndCpu, seededTensor } from './reference.js';

/** Targets for `rows` rows of `vocab`: mostly valid ids, one past the end, one negative, and `ignoreId`. */
function targetsFor(rows: number, vocab: number): tf.Tensor2D {
  const ids = Int32Array.from({ length: rows }, (_, i) => (i * 7919) % vocab);
  ids[3] = vocab; // out of range: picks 0, like a one-hot of it
  ids[5] = -1;
  ids[8] = 2; // the ignore id below
  return tf.tensor2d(ids, [1, rows], 'int32');
}

describe('fused native kernels on wasm', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('are registered for wasm', () => {
    for (const name of Object.values(FUSED_KERNELS)) expect(hasFusedKernel(name), name).toBe(true);
  });

  it.each([
    { rows: 37, vocab: 513, ignoreId: undefined },
    { rows: 37, vocab: 513, ignoreId: 2 },
    { rows: 9, vocab: 8192, ignoreId: undefined },
  ])(
    'cross-entropy matches the tensor-op version in value and logits gradient (rows $rows, vocab $vocab, ignore $ignoreId)',
    async ({ rows, vocab, ignoreId }) => {
      const compute = (): tf.Tensor[] => {
        const logits = tf.mul(seededTensor([1, rows, vocab], 3), 4) as tf.Tensor3D;
        const targets = targetsFor(rows, vocab);
        const lossOf = (x: tf.Tensor): tf.Scalar => crossEntropy(x as tf.Tensor3D, targets, ignoreId);
        const { value, grads } = tf.valueAndGrads(lossOf)([logits]);
        return [value, ...grads];
      };
      const { wasm, cpu } = await onWasmAndCpu(compute);
      expectSameOutputs(wasm, cpu, 1e-5, 1e-6);
    },
  );

  it('tanh, sigmoid and exp match the cpu kernels in value and gradient, extremes included', async () => {
    const compute = (): tf.Tensor[] => {
      const extremes = tf.tensor1d([-100, -88.5, -20, -1e-7, 0, 1e-7, 20, 88, 100]);
      const x = tf.concat([tf.mul(seededTensor([70001], 4), 3), extremes]);
      const [tanhGrad, sigmoidGrad] = [
        tf.grad((v: tf.Tensor) => tf.sum(tf.tanh(v))),
        tf.grad((v: tf.Tensor) => tf.sum(tf.sigmoid(v))),
      ];
      const clipped = tf.clipByValue(x, -80, 80);
      return [
        tf.tanh(x),
        tf.sigmoid(x),
        tf.exp(clipped),
        tanhGrad(x),
        sigmoidGrad(x),
        tf.grad((v: tf.Tensor) => tf.sum(tf.exp(v)))(clipped),
      ];
    };
    const { wasm, cpu } = await onWasmAndCpu(compute);
    // Eigen's vectorised approximations are within a few ulp of libm's; 1 − tanh² near saturation
    // turns one ulp of tanh (6e-8) into an absolute 1e-7 or so, hence atol 1e-6.
    expectSameOutputs(wasm, cpu, 2e-6, 1e-6);
  });

  it('add, sub, mul and div match the cpu kernels for same shapes, scalars, repeated rows and per-row values, and fall back for the rest', async () => {
    const compute = (): tf.Tensor[] => {
      const x = seededTensor([3, 5, 700], 1);
      const y = seededTensor([3, 5, 700], 2);
      const row = tf.add(seededTensor([700], 3), 2);
      const perRow = tf.add(seededTensor([3, 5, 1], 4), 3);
      const middle = seededTensor([3, 1, 700], 5); // neither a row nor per-row: goes to wasm's own kernel
      const scalar = tf.scalar(1.5);
      return [
        tf.add(x, y),
        tf.sub(x, row),
        tf.sub(row, x),
        tf.mul(x, scalar),
        tf.mul(scalar, x),
        tf.div(x, row),
        tf.div(row, x),
        tf.mul(x, perRow),
        tf.sub(perRow, x),
        tf.div(x, perRow),
        tf.div(tf.reshape(perRow.slice([0, 0, 0], [1, 5, 1]), [5, 1]), x.slice([0, 0, 0], [1, 5, 700])),
        tf.mul(x, middle),
        tf.add(tf.reshape(row, [1, 1, 700]), x),
        tf.div(scalar, tf.scalar(4)),
        tf.mul(perRow, row),
        tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')),
      ];
    };
    const { wasm, cpu } = await onWasmAndCpu(compute);
    expectSameOutputs(wasm, cpu, 1e-6, 1e-7);
  });

  it('softmax over the last axis and transposes of every rank match the cpu kernels, with gradients', async () => {
    const compute = (): tf.Tensor[] => {
      const scores = tf.mul(seededTensor([2, 3, 17, 19], 6), 5);
      const x4 = seededTensor([2, 7, 3, 5], 7);
      const x2 = seededTensor([33, 65], 8);
      const x5 = seededTensor([2, 3, 1, 4, 5], 9);
      const softmaxGrad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.softmax(v), tf.sin(v))))(scores);
      const transposeGrad = tf.grad((v: tf.Tensor) =>
        tf.sum(tf.mul(tf.transpose(v, [0, 2, 1, 3]), seededTensor([2, 3, 7, 5], 10))),
      )(x4);
      return [
        tf.softmax(scores),
        softmaxGrad,
        tf.softmax(tf.tensor1d([1000, 0, -1000])),
        tf.transpose(x4, [0, 2, 1, 3]),
        tf.transpose(x4, [3, 1, 0, 2]),
        tf.transpose(x2),
        tf.transpose(x5, [4, 0, 3, 2, 1]),
        transposeGrad,
        tf.cast(
          tf.transpose(
            tf.tensor2d(
              [
                [1, 2, 3],
                [4, 5, 6],
              ],
              [2, 3],
              'int32',
            ),
          ),
          'float32',
        ),
      ];
    };
    const { wasm, cpu } = await onWasmAndCpu(compute);
    expectSameOutputs(wasm, cpu, 1e-5, 1e-7);
  });

  it.each(['rmsnorm', 'layernorm'] as const)(
    'the fused %s matches the tensor-op norm in value and in the gradients of x, gain and bias',
    async (norm) => {
      const config = parseModelConfig({
        vocabSize: 8,
        dModel: 33,
        nLayers: 1,
        nHeads: 3,
        contextLength: 8,
        norm,
        positions: 'learned',
      });
      const compute = (): tf.Tensor[] => {
        const layer = createNorm('n', config);
        const weights = [...layer.weights.values()];
        weights.forEach((w, i) => w.assign(tf.add(seededTensor(w.shape, 20 + i, 0.3), 1)));
        const x = tf.add(tf.mul(seededTensor([3, 7, 33], 21), 2), 0.5);
        const upstream = seededTensor([3, 7, 33], 22);
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x), upstream)) as tf.Scalar, weights);
        const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v), upstream)))(x);
        const out = [layer.apply(x), value, dx, ...weights.map((w) => grads[w.name] as tf.Tensor)];
        tf.dispose(weights);
        return out;
      };
      const { wasm, cpu } = await onWasmAndCpu(compute);
      expectSameOutputs(wasm, cpu, 1e-4, 1e-5);
    },
  );

  it.each(['gelu', 'swiglu'] as const)(
    'the fused %s MLP matches the tensor-op one in value and in the gradients of its input and weights',
    async (mlp) => {
      const config = parseModelConfig({
        vocabSize: 8,
        dModel: 24,
        nLayers: 1,
        nHeads: 2,
        contextLength: 8,
        mlp,
        dFF: 40,
      });
      const compute = (): tf.Tensor[] => {
        const model = new TinyTitan(config, { seed: 3 });
        const block = [...model.namedWeights()].filter(([name]) => name.includes('.mlp.')).map(([, w]) => w);
        const x = tf.mul(seededTensor([2, 5, 24], 30), 2);
        const upstream = seededTensor([2, 5, 24], 31);
        const mlpOf = model.blocks[0]?.mlp;
        if (mlpOf === undefined) throw new Error('no block');
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(mlpOf.apply(x), upstream)) as tf.Scalar, block);
        const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(mlpOf.apply(v), upstream)))(x);
        const out = [mlpOf.apply(x), value, dx, ...block.map((w) => grads[w.name] as tf.Tensor)];
        model.dispose();
        return out;
      };
      const { wasm, cpu } = await onWasmAndCpu(compute);
      expectSameOutputs(wasm, cpu, 1e-4, 1e-5);
    },
  );

  it.each([
    { label: 'llama (rotary, RMSNorm, SwiGLU, tied)', extra: {} },
    {
      label: 'Grokfast (learned positions, LayerNorm, GELU, untied)',
      extra: { positions: 'learned', norm: 'layernorm', mlp: 'gelu', tiedEmbeddings: false },
    },
  ] as const)(
    'a whole model ($label) gives the cpu reference loss and gradients with every fused kernel in play',
    async ({ extra }) => {
      const config = parseModelConfig({
        vocabSize: 37,
        dModel: 32,
        nLayers: 2,
        nHeads: 4,
        contextLength: 16,
        ...extra,
      });
      const compute = (): tf.Tensor[] => {
        const model = new TinyTitan(config, { seed: 8 });
        const weights = [...model.namedWeights().values()];
        const tokens = tf.tensor2d(
          Int32Array.from({ length: 3 * 13 }, (_, i) => (i * 11 + 3) % 37),
          [3, 13],
          'int32',
        );
        const { value, grads } = tf.variableGrads(() => model.loss(tokens), weights);
        const out = [value, ...weights.map((w) => grads[w.name] as tf.Tensor)];
        model.dispose();
        return out;
      };
      const { wasm, cpu } = await onWasmAndCpu(compute);
      expectSameOutputs(wasm, cpu, 1e-3, 1e-5);
    },
  );

  it.each([
    { label: 'whole context from position 0', shape: [2, 3, 9, 8], offset: 0 },
    { label: 'one decoded token past the start, batch 1', shape: [1, 2, 1, 8], offset: 11 },
    { label: 'odd length at an odd offset, width 2', shape: [3, 1, 5, 2], offset: 3 },
  ])('RoPE matches the tensor-op version in value and input gradient: $label', async ({ shape, offset }) => {
    const compute = (): tf.Tensor[] => {
      const rotary = new RotaryEmbedding(shape[3] as number, 16, 10000);
      const x = seededTensor(shape, 40) as tf.Tensor4D;
      const upstream = seededTensor(shape, 41);
      const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(rotary.apply(v as tf.Tensor4D, offset), upstream)))(x);
      const out = [rotary.apply(x, offset), dx];
      rotary.dispose();
      return out;
    };
    const { wasm, cpu } = await onWasmAndCpu(compute);
    expectSameOutputs(wasm, cpu, 1e-5, 1e-6);
  });

  it('RoPE refuses positions past its tables, naming the kernel', () => {
    const rotary = new RotaryEmbedding(4, 8, 10000);
    const x = tf.zeros([1, 1, 3, 4]) as tf.Tensor4D;
    expect(() => rotary.apply(x, 6)).toThrow(/ForgeRope: .*offset \+ T ≤ 8/);
    tf.dispose([x]);
    rotary.dispose();
  });

  it("the forward pass runs the fused attention, norm and MLP kernels, also through an attention step that calls core's own", async () => {
    const model = new TinyTitan({ vocabSize: 37, dModel: 32, nLayers: 2, nHeads: 4, contextLength: 16 }, { seed: 8 });
    const tokens = tf.tensor2d(
      Int32Array.from({ length: 2 * 9 }, (_, i) => (i * 5 + 1) % 37),
      [2, 9],
      'int32',
    );
    const kernelsOf = async (run: () => tf.Tensor): Promise<Map<string, number>> => {
      const profile = await tf.profile(() => run());
      const counts = new Map<string, number>();
      for (const kernel of profile.kernels) counts.set(kernel.name, (counts.get(kernel.name) ?? 0) + 1);
      return counts;
    };
    const plain = await kernelsOf(() => model.forward(tokens));
    const hooked = await kernelsOf(() =>
      model.logits(model.hidden(model.embedTokens(tokens), { attend: (heads, { standard }) => standard(heads) })),
    );
    for (const counts of [plain, hooked]) {
      expect(counts.get(FUSED_KERNELS.scaledSoftmax)).toBe(2); // one per block
      expect(counts.get(FUSED_KERNELS.norm)).toBe(5); // two per block and the final norm
      expect(counts.get(FUSED_KERNELS.activation)).toBe(2);
      expect(counts.get(FUSED_KERNELS.rope)).toBe(4); // queries and keys, per block
      expect(counts.get('Softmax')).toBeUndefined();
    }
    // The hook costs no kernel of its own: the same kernels, the same number of times.
    expect([...hooked].sort()).toEqual([...plain].sort());
    tokens.dispose();
    model.dispose();
  });

  it('exp of an int32 tensor still works (it goes to the kernel the native one replaced)', async () => {
    const { wasm, cpu } = await onWasmAndCpu(() => [tf.exp(tf.tensor1d([0, 1, 2], 'int32'))]);
    expectSameOutputs(wasm, cpu);
  });

  it('AdamW takes the same steps as the tensor-op update (decay on matrices only)', async () => {
    const compute = (): tf.Tensor[] => {
      const weights = new Map([
        ['matrix', tf.variable(seededTensor([33, 17], 1))],
        ['gain', tf.variable(seededTensor([17], 2))],
      ]);
      const optimizer = new AdamW({ beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.1 });
      for (let step = 0; step < 3; step++) {
        const gradients = new Map([...weights].map(([name, w]) => [name, seededTensor(w.shape, 10 + step, 0.5)]));
        optimizer.apply(weights, gradients, 1e-2);
        tf.dispose([...gradients.values()]);
      }
      const outputs = [...weights.values(), ...optimizer.state().values()].map((t) => t.clone());
      optimizer.dispose();
      tf.dispose([...weights.values()]);
      return outputs;
    };
    const { wasm, cpu } = await onWasmAndCpu(compute);
    expectSameOutputs(wasm, cpu, 1e-5, 1e-7);
  });
});
