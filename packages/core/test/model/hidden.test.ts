// TinyTitan's hidden-state surface (`embedTokens` / `hidden` / `logits`) and its attention hook: what
// methods such as Quiet-STaR build on instead of copying the block.
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { tf } from '../../src/backend/tf.js';
import { RotaryEmbedding, TinyTitan, parseModelConfig, sequentialBlocks } from '../../src/model/index.js';
import type { AttentionStep } from '../../src/model/index.js';
import { VARIANTS, maxAbsDifference, randomTokens } from './helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe.each(Object.entries(VARIANTS))('hidden states of %s', (_label, config) => {
  it('embed → hidden → logits is the forward pass', () => {
    const model = new TinyTitan(config, { seed: 4 });
    const tokens = randomTokens(1, 2, 9, 48);
    const logits = tf.tidy(() => model.logits(model.hidden(model.embedTokens(tokens))));
    expect(maxAbsDifference(logits, model.forward(tokens))).toBe(0);
    model.dispose();
  });

  it("an attention step that calls core's standard step changes nothing and sees every layer once, in order", () => {
    const model = new TinyTitan(config, { seed: 4 });
    const tokens = randomTokens(2, 1, 7, 48);
    const layers: number[] = [];
    const observe: AttentionStep = (heads, { layer, standard }) => {
      layers.push(layer);
      expect(heads.keys.shape).toEqual([1, 2, 7, 8]);
      return standard(heads);
    };
    const hooked = tf.tidy(() => model.logits(model.hidden(model.embedTokens(tokens), { attend: observe })));
    expect(maxAbsDifference(hooked, model.forward(tokens))).toBe(0);
    expect(layers).toEqual([0, 1]);
    model.dispose();
  });

  it('an attention step of its own replaces the attention core: self-only attention is each token alone', () => {
    const model = new TinyTitan(config, { seed: 5 });
    const tokens = randomTokens(3, 1, 6, 48);
    // Attending to itself only, a token's mixed value is its own value: the same as the token fed alone at
    // its position, where the one visible key is its own.
    const selfOnly: AttentionStep = (heads) => heads.values;
    const hooked = model.hidden(model.embedTokens(tokens), { attend: selfOnly });
    const plain = model.hidden(model.embedTokens(tokens));
    expect(maxAbsDifference(hooked, plain)).toBeGreaterThan(1e-3);
    for (let position = 0; position < 6; position++) {
      const alone = tf.tidy(() => {
        const token = tf.slice(tokens, [0, position], [1, 1]) as tf.Tensor2D;
        return model.hidden(model.embedTokens(token, position), { positionOffset: position });
      });
      const row = tf.slice(hooked, [0, position, 0], [1, 1, 16]);
      expect(maxAbsDifference(row, alone), `position ${position}`).toBeLessThan(1e-6);
    }
    model.dispose();
  });
});

describe('hidden-state pass options', () => {
  it('uses rotary tables given for the pass (a longer copy agrees inside the context, another theta does not)', () => {
    const model = new TinyTitan(VARIANTS['llama-style (rotary, swiglu, rmsnorm, tied)']!, { seed: 6 });
    const { dModel, nHeads, contextLength, ropeTheta } = model.config;
    const longer = new RotaryEmbedding(dModel / nHeads, contextLength + 8, ropeTheta);
    const otherTheta = new RotaryEmbedding(dModel / nHeads, contextLength, ropeTheta / 10);
    const tokens = randomTokens(4, 1, 8, 48);
    const x = model.embedTokens(tokens);
    const plain = model.hidden(x);
    expect(maxAbsDifference(model.hidden(x, { rotary: longer }), plain)).toBe(0);
    expect(maxAbsDifference(model.hidden(x, { rotary: otherTheta }), plain)).toBeGreaterThan(1e-4);
    // Past the context: the model's own table would fail there; the longer one serves the positions.
    const late = model.hidden(x, { rotary: longer, positionOffset: contextLength });
    expect(late.shape).toEqual([1, 8, dModel]);
    expect(() => model.hidden(x, { positionOffset: contextLength })).toThrow();
    [longer, otherTheta, x, plain, late].forEach((t) => t.dispose());
    model.dispose();
  });

  it('clamps learned positions past the table to its last row', () => {
    const config = parseModelConfig({ ...VARIANTS['gpt2-style (learned, gelu, layernorm, untied)']! });
    const model = new TinyTitan(config, { seed: 7 });
    const zeros = tf.zeros([1, 3, config.dModel]) as tf.Tensor3D;
    const placed = model.addPositions(zeros, config.contextLength - 1);
    const last = tf.slice(model.positionEmbed as tf.Variable, [config.contextLength - 1, 0], [1, config.dModel]);
    for (let i = 0; i < 3; i++) {
      expect(maxAbsDifference(tf.slice(placed, [0, i, 0], [1, 1, config.dModel]).reshape([1, -1]), last)).toBe(0);
    }
    model.dispose();
  });

  it('runs the runner given for the pass instead of the model’s own', () => {
    const model = new TinyTitan(VARIANTS['llama-style (rotary, swiglu, rmsnorm, tied)']!, { seed: 8 });
    const x = model.embedTokens(randomTokens(5, 1, 5, 48));
    const firstBlockOnly = { weights: new Map(), run: sequentialBlocks.run };
    const calls: number[] = [];
    const counting = {
      weights: new Map(),
      run: (
        stream: tf.Tensor3D,
        blocks: Parameters<typeof sequentialBlocks.run>[1],
        context: Parameters<typeof sequentialBlocks.run>[2],
      ) => {
        calls.push(blocks.length);
        return firstBlockOnly.run(stream, blocks.slice(0, 1), context);
      },
    };
    const short = model.hidden(x, { runner: counting });
    expect(calls).toEqual([2]);
    expect(maxAbsDifference(short, model.hidden(x))).toBeGreaterThan(1e-4);
    model.dispose();
  });
});
