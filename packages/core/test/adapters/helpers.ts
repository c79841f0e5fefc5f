import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng, formatProblem, generateProblems, tf, trainBpe } from '../../src/index.js';
import type { BpeTokenizer, ModelConfigInput, TinyTitan } from '../../src/index.js';

/** A model small enough for many forwards in a test. */
export const MICRO: ModelConfigInput = { vocabSize: 320, dModel: 32, nLayers: 1, nHeads: 2, contextLength: 32 };

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `adapters-${label}-`));
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

/** Logits of `model` on `tokens`, read back and freed. */
export function logitsOf(model: TinyTitan, tokens: tf.Tensor2D): Float32Array {
  return tf.tidy(() => model.forward(tokens).dataSync() as Float32Array);
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
