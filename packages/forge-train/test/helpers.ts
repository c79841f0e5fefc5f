import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  bitnetExtension,
  BitNetSettingsSchema,
  createBitNetModel,
  documentBatchSource,
  formatProblem,
  generateProblems,
  Rng,
  saveModelCheckpoint,
  SPECIAL_IDS,
  tf,
  trainBpe,
  TrainConfigSchema,
} from '@agent-forge/core';
import type {
  BatchSource,
  BpeTokenizer,
  GradientMap,
  ModelConfigInput,
  PhaseResult,
  TrainConfig,
} from '@agent-forge/core';

/** A model small enough for a few training steps in a test. */
export const MICRO: ModelConfigInput = { vocabSize: 64, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 16 };

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `forge-train-${label}-`));
}

/** Seeded random token documents for the micro model. */
export function microData(seed = 1, batchSize = 4): BatchSource {
  const rng = Rng.fromSeed(seed);
  const documents = Array.from({ length: 24 }, () =>
    Int32Array.from({ length: 40 }, () => rng.int(4, (MICRO.vocabSize ?? 64) - 1)),
  );
  return documentBatchSource(documents, {
    batchSize,
    contextLength: MICRO.contextLength ?? 16,
    seed,
    eosId: SPECIAL_IDS.eos,
  });
}

export function microTrainConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return TrainConfigSchema.parse({
    steps: 6,
    batchSize: 4,
    lr: 1e-2,
    warmupSteps: 2,
    checkpointEvery: 0,
    spikeFactor: 0,
    ...overrides,
  });
}

/** Copies of every weight's values, to compare bit for bit. */
export function snapshot(weights: Map<string, tf.Variable>): Map<string, Float32Array> {
  return new Map([...weights].map(([name, weight]) => [name, Float32Array.from(weight.dataSync() as Float32Array)]));
}

export function gradientMap(entries: Record<string, number[]>): GradientMap {
  return new Map(Object.entries(entries).map(([name, values]) => [name, tf.tensor1d(values)]));
}

export function readMap(map: Map<string, tf.Tensor>): Record<string, number[]> {
  return Object.fromEntries([...map].map(([name, tensor]) => [name, Array.from(tensor.dataSync())]));
}

let cachedTokenizer: BpeTokenizer | undefined;
/** A BPE tokenizer trained on built-in problems, vocab ≤ 320. */
export function microTokenizer(): BpeTokenizer {
  cachedTokenizer ??= trainBpe(
    generateProblems({ count: 200, seed: 1, difficulty: 2 }).map((p) => formatProblem(p).text),
    { vocabSize: 320 },
  );
  return cachedTokenizer;
}

/** Saves an untrained BitNet micro model with its tokenizer and `bitnet` extension, as phase 4 would. */
export async function saveTernaryInput(dir: string, seed = 5): Promise<void> {
  const model = createBitNetModel({ ...MICRO, vocabSize: 320 }, {}, seed);
  const extension = bitnetExtension(model, BitNetSettingsSchema.parse({}));
  await saveModelCheckpoint(dir, { model, tokenizer: microTokenizer(), extensions: { bitnet: extension } });
  model.dispose();
}

/** A previous phase's result pointing at `dirs` (role per entry). */
export function fakeResult(models: { dir: string; role: string }[]): PhaseResult {
  return {
    phase: 'bitnet',
    runId: 'fake',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    models: models.map((m) => ({ ...m, params: 0, bytes: 0 })),
    metrics: {},
    artifacts: {},
    config: {},
  };
}
