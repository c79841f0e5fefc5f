import { useBackend } from '../../src/backend/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/tf.js';
import {
  constantWeight,
  denseLinear,
  sequentialBlocks,
  TinyTitan,
  type BlockRunner,
  type Linear,
  type LinearFactory,
} from '../../src/model/index.js';
import { MICRO, maxAbsDifference, randomTokens } from './helpers.js';

/** A stand-in for BitLinear: the dense layer with its output scaled, recording what it was asked for. */
function scaledLinearFactory(scale: number, built: string[]): LinearFactory {
  return (spec, init) => {
    const dense = denseLinear(spec, init);
    built.push(spec.name);
    const scaled: Linear = { ...dense, apply: (x) => tf.tidy(() => tf.mul(dense.apply(x), scale)) };
    return scaled;
  };
}

/** A stand-in for an ACT / memory runner: every block twice, then a learned gain on the stream. */
function repeatingRunner(): BlockRunner & { disposed: boolean } {
  const gain = constantWeight([MICRO.dModel], 1.5);
  return {
    disposed: false,
    weights: new Map([['act.gain.weight', gain]]),
    run(x, blocks, context) {
      const twice = blocks.flatMap((block) => [block, block]);
      return tf.mul(sequentialBlocks.run(x, twice, context), gain) as tf.Tensor3D;
    },
    dispose() {
      this.disposed = true;
    },
  };
}

describe('extension points', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('builds every projection, the untied head included, through the linear factory', () => {
    const built: string[] = [];
    const model = new TinyTitan(
      { ...MICRO, nLayers: 1, tiedEmbeddings: false },
      { createLinear: scaledLinearFactory(1, built) },
    );
    expect(built).toEqual([
      'blocks.0.attn.q',
      'blocks.0.attn.k',
      'blocks.0.attn.v',
      'blocks.0.attn.o',
      'blocks.0.mlp.gate',
      'blocks.0.mlp.up',
      'blocks.0.mlp.down',
      'head',
    ]);
    model.dispose();
  });

  it('runs the factory’s layers in the forward pass, and a dense checkpoint loads into them by name', () => {
    const tokens = randomTokens(1, 1, 6, MICRO.vocabSize);
    const dense = new TinyTitan(MICRO, { seed: 3 });
    const identity = new TinyTitan(MICRO, { seed: 9, createLinear: scaledLinearFactory(1, []) });
    const halved = new TinyTitan(MICRO, { seed: 9, createLinear: scaledLinearFactory(0.5, []) });
    identity.loadWeights(dense.namedWeights());
    halved.loadWeights(dense.namedWeights());
    expect(maxAbsDifference(identity.forward(tokens), dense.forward(tokens))).toBe(0);
    expect(maxAbsDifference(halved.forward(tokens), dense.forward(tokens))).toBeGreaterThan(1e-4);
    [dense, identity, halved].forEach((model) => model.dispose());
  });

  it('passes the stream through a custom block runner whose weights join the model’s', () => {
    const runner = repeatingRunner();
    const plain = new TinyTitan(MICRO, { seed: 2 });
    const model = new TinyTitan(MICRO, { seed: 2, blockRunner: runner });
    const tokens = randomTokens(2, 1, 5, MICRO.vocabSize);
    expect([...model.namedWeights().keys()].at(-1)).toBe('act.gain.weight');
    expect(model.parameterCount).toBe(plain.parameterCount + MICRO.dModel);
    expect(maxAbsDifference(model.forward(tokens), plain.forward(tokens))).toBeGreaterThan(1e-4);
    const gain = model.namedWeights().get('act.gain.weight') as tf.Variable;
    const { grads } = tf.variableGrads(() => model.loss(randomTokens(3, 1, 6, MICRO.vocabSize)), [gain]);
    expect(tf.tidy(() => tf.sum(tf.abs(grads[gain.name] as tf.Tensor)).dataSync()[0])).toBeGreaterThan(0);
    model.dispose();
    expect(runner.disposed).toBe(true);
    plain.dispose();
  });

  it('refuses a runner weight whose name a model weight already has', () => {
    const clash: BlockRunner = {
      weights: new Map([['norm_f.weight', constantWeight([MICRO.dModel], 1)]]),
      run: sequentialBlocks.run,
    };
    const before = tf.memory().numTensors;
    expect(() => new TinyTitan(MICRO, { blockRunner: clash })).toThrow(/block runner's weight 'norm_f\.weight'/);
    expect(tf.memory().numTensors).toBe(before);
    clash.weights.forEach((weight) => weight.dispose());
  });
});
