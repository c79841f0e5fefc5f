import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng, TinyTitan, formatProblem, generateProblems, saveModelCheckpoint, tf, trainBpe } from '@agent-forge/core';
import type { BpeTokenizer, ModelConfigInput, PhaseResult } from '@agent-forge/core';
import { Thinker } from '../src/thinker.js';
import { parseQuietStarSettings, type QuietStarSettingsInput } from '../src/settings.js';

/** Big enough for thoughts to matter, small enough for many forwards in a test. */
export const MICRO: ModelConfigInput = { vocabSize: 320, dModel: 16, nLayers: 2, nHeads: 2, contextLength: 24 };

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `quietstar-${label}-`));
}

export function randomTokens(seed: number, batch: number, length: number, vocabSize: number): tf.Tensor2D {
  const rng = Rng.fromSeed(seed);
  return tf.tensor2d(
    Int32Array.from({ length: batch * length }, () => rng.int(24, vocabSize - 1)),
    [batch, length],
    'int32',
  );
}

export function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

export function microThinker(
  settings: QuietStarSettingsInput = {},
  config: ModelConfigInput = MICRO,
  seed = 3,
): Thinker {
  const model = new TinyTitan(config, { seed });
  return new Thinker(model, parseQuietStarSettings({ thoughtLength: 3, nTrue: 2, ...settings }), {}, seed);
}

let cachedTokenizer: BpeTokenizer | undefined;
export function microTokenizer(): BpeTokenizer {
  cachedTokenizer ??= trainBpe(
    generateProblems({ count: 200, seed: 1, difficulty: 2 }).map((p) => formatProblem(p).text),
    { vocabSize: 320 },
  );
  return cachedTokenizer;
}

export async function saveInput(
  dir: string,
  model: TinyTitan,
  extensions: Record<string, unknown> = {},
): Promise<void> {
  await saveModelCheckpoint(dir, { model, tokenizer: microTokenizer(), extensions });
}

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
