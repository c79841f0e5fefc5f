import { tf } from '../../src/backend/tf.js';
import type { ModelConfigInput } from '../../src/model/index.js';
import { Rng } from '../../src/rng/rng.js';

/** Smaller than the tiny preset: fast enough for many forwards on the pure-JS cpu backend. */
export const MICRO: ModelConfigInput = { vocabSize: 48, dModel: 16, nLayers: 2, nHeads: 2, contextLength: 16 };

/** The architecture switches; every test that cares runs each one. */
export const VARIANTS: Record<string, ModelConfigInput> = {
  'llama-style (rotary, swiglu, rmsnorm, tied)': MICRO,
  'gpt2-style (learned, gelu, layernorm, untied)': {
    ...MICRO,
    positions: 'learned',
    mlp: 'gelu',
    norm: 'layernorm',
    tiedEmbeddings: false,
  },
};

/** Seeded int32 tokens [batch, length] in [0, vocabSize). */
export function randomTokens(seed: number, batch: number, length: number, vocabSize: number): tf.Tensor2D {
  const rng = Rng.fromSeed(seed);
  const ids = Int32Array.from({ length: batch * length }, () => rng.int(0, vocabSize - 1));
  return tf.tensor2d(ids, [batch, length], 'int32');
}

export function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}
