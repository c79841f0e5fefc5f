import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng, buildModel, formatProblem, generateProblems, saveModelCheckpoint, tf, trainBpe } from '@agent-forge/core';
import type { BpeTokenizer, ModelConfigInput, PhaseResult, TinyTitan, TrainConfig } from '@agent-forge/core';
import { TrainConfigSchema } from '@agent-forge/core';

/** A model small enough for many forwards and a few dozen adapter steps in a test. */
export const MICRO: ModelConfigInput = { vocabSize: 320, dModel: 32, nLayers: 1, nHeads: 2, contextLength: 32 };

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `baking-${label}-`));
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

/** Token inputs x: prefixes of built-in problems. */
export function microInputs(count: number, seed: number, length = 6): number[][] {
  const tokenizer = microTokenizer();
  return generateProblems({ count, seed, difficulty: 1 }).map((p) =>
    tokenizer.encode(formatProblem(p).text).slice(0, length),
  );
}

export function trainConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return TrainConfigSchema.parse({
    steps: 40,
    batchSize: 8,
    lr: 1e-2,
    warmupSteps: 2,
    weightDecay: 0,
    checkpointEvery: 0,
    spikeFactor: 0,
    ...overrides,
  });
}

/** Saves a micro model with its tokenizer, as an earlier phase would. */
export async function saveInput(
  dir: string,
  extensions: Record<string, unknown> = {},
  config: ModelConfigInput = MICRO,
  seed = 5,
): Promise<void> {
  const model = buildModel(config, extensions, { seed });
  await saveModelCheckpoint(dir, { model, tokenizer: microTokenizer(), extensions });
  model.dispose();
}

/** A previous phase's result pointing at `dirs` (role per entry). */
export function fakeResult(models: { dir: string; role: string }[]): PhaseResult {
  return {
    phase: 'forge-train',
    runId: 'fake',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    models: models.map((m) => ({ ...m, params: 0, bytes: 0 })),
    metrics: {},
    artifacts: {},
    config: {},
  };
}
