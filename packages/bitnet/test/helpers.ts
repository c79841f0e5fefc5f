import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng, TinyTitan, generateProblems, formatProblem, saveModelCheckpoint, tf, trainBpe } from '@agent-forge/core';
import type { BpeTokenizer, ModelConfigInput, PhaseResult } from '@agent-forge/core';

/** A model small enough for many forwards and a few training steps in a test. */
export const MICRO: ModelConfigInput = { vocabSize: 320, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 16 };

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `bitnet-${label}-`));
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

/** Saves an untrained dense micro model with its tokenizer, as an earlier phase would. */
export async function saveDenseInput(dir: string, config: ModelConfigInput = MICRO, seed = 5): Promise<void> {
  const model = new TinyTitan(config, { seed });
  await saveModelCheckpoint(dir, { model, tokenizer: microTokenizer() });
  model.dispose();
}

/** A previous phase's result pointing at `dirs` (role per entry). */
export function fakeResult(models: { dir: string; role: string }[]): PhaseResult {
  return {
    phase: 'evomerge',
    runId: 'fake',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    models: models.map((m) => ({ ...m, params: 0, bytes: 0 })),
    metrics: {},
    artifacts: {},
    config: {},
  };
}
