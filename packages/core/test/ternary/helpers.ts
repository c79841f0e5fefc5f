import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BitNetSettingsSchema,
  Rng,
  bitnetExtension,
  buildModel,
  formatProblem,
  generateProblems,
  tf,
  trainBpe,
} from '../../src/index.js';
import type {
  BitNetExtension,
  BitNetSettingsInput,
  BpeTokenizer,
  ModelConfigInput,
  TinyTitan,
} from '../../src/index.js';

/** A model small enough for many forwards and a few training steps in a test. */
export const MICRO: ModelConfigInput = { vocabSize: 320, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 16 };

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `ternary-${label}-`));
}

/** Seeded normal values as a float32 tensor. */
export function randomTensor(seed: number, shape: number[], std = 1): tf.Tensor {
  return tf.randomNormal(shape, 0, std, 'float32', seed);
}

export function randomTokens(seed: number, batch: number, length: number, vocabSize: number): tf.Tensor2D {
  const rng = Rng.fromSeed(seed);
  return tf.tensor2d(
    Int32Array.from({ length: batch * length }, () => rng.int(0, vocabSize - 1)),
    [batch, length],
    'int32',
  );
}

export function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

let cachedTokenizer: BpeTokenizer | undefined;
/** A BPE tokenizer trained on built-in problems, vocab ≤ MICRO.vocabSize. */
export function microTokenizer(): BpeTokenizer {
  cachedTokenizer ??= trainBpe(
    generateProblems({ count: 200, seed: 1, difficulty: 2 }).map((p) => formatProblem(p).text),
    { vocabSize: 320 },
  );
  return cachedTokenizer;
}

/**
 * A BitNet copy of `dense` (its weights as the latent weights), as the bitnet phase's conversion makes one;
 * built here from core's format alone so these tests do not need the phase.
 */
export function bitnetCopy(
  dense: TinyTitan,
  settings: BitNetSettingsInput = {},
  denseExtensions: Record<string, unknown> = {},
): { model: TinyTitan; extension: BitNetExtension; extensions: Record<string, unknown> } {
  const extension = bitnetExtension(dense, BitNetSettingsSchema.parse(settings));
  const extensions = { ...denseExtensions, bitnet: extension };
  const model = buildModel(dense.config, extensions);
  model.loadWeights(dense.namedWeights());
  return { model, extension, extensions };
}
