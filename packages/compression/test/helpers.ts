import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ADAPTERS_DIR,
  BitNetSettingsSchema,
  LoraAdapters,
  Rng,
  TinyTitan,
  bitnetExtension,
  buildModel,
  createBitNetModel,
  formatProblem,
  generateProblems,
  loraExtension,
  saveAdapterFile,
  saveModelCheckpoint,
  tf,
  trainBpe,
} from '@agent-forge/core';
import type { BitNetSettingsInput, BpeTokenizer, ModelConfigInput, PhaseResult } from '@agent-forge/core';

/** Small enough for many forwards in a test, big enough that block matrices reach `minElements: 512`. */
export const MICRO: ModelConfigInput = { vocabSize: 320, dModel: 32, nLayers: 2, nHeads: 2, contextLength: 16 };

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `compression-${label}-`));
}

export function gaussian(seed: number, count: number, std = 0.02): Float32Array {
  const rng = Rng.fromSeed(seed);
  return Float32Array.from({ length: count }, () => rng.normal(0, std));
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
export function microTokenizer(): BpeTokenizer {
  cachedTokenizer ??= trainBpe(
    generateProblems({ count: 200, seed: 1, difficulty: 2 }).map((p) => formatProblem(p).text),
    { vocabSize: 320 },
  );
  return cachedTokenizer;
}

/** Saves an untrained BitNet micro model as bitnet would: latent checkpoint plus packed file (core's save hook). */
export async function saveBitNetInput(dir: string, seed = 5, settings: BitNetSettingsInput = {}): Promise<void> {
  const model = createBitNetModel(MICRO, settings, seed);
  const extension = bitnetExtension(model, BitNetSettingsSchema.parse(settings));
  await saveModelCheckpoint(dir, { model, tokenizer: microTokenizer(), extensions: { bitnet: extension } });
  model.dispose();
}

/** Saves an untrained dense micro model with its tokenizer. */
export async function saveDenseInput(dir: string, seed = 5): Promise<void> {
  const model = new TinyTitan(MICRO, { seed });
  await saveModelCheckpoint(dir, { model, tokenizer: microTokenizer() });
  model.dispose();
}

export function fakeResult(models: { dir: string; role: string }[]): PhaseResult {
  return {
    phase: 'edge',
    runId: 'fake',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    models: models.map((m) => ({ ...m, params: 0, bytes: 0 })),
    metrics: {},
    artifacts: {},
    config: {},
  };
}

/** Layers the baked test personas adapt. */
export const BAKED_TARGETS = ['blocks.0.attn.q', 'blocks.0.attn.v', 'blocks.1.mlp.down'];

/**
 * A baked BitNet input as baking leaves it: the checkpoint (F32 embedding, so lossless candidates keep it
 * exact) and one adapter per persona in `adapters/`, each with a non-zero update so a persona changes the logits.
 */
export async function saveBakedInput(
  dir: string,
  personas: readonly string[] = ['calculator', 'terse'],
): Promise<void> {
  await saveBitNetInput(dir, 9, { embeddingQuant: 'none' });
  const model = buildModel(MICRO, { lora: loraExtension(BAKED_TARGETS) }, { seed: 9 });
  const adapters = LoraAdapters.of(model);
  mkdirSync(path.join(dir, ADAPTERS_DIR));
  try {
    for (const [index, name] of personas.entries()) {
      adapters.create(name, { rank: 4, alpha: 8 }, index + 1);
      for (const [tensor, weight] of adapters.weights(name)) {
        if (!tensor.endsWith('lora_b')) continue;
        tf.tidy(() => weight.assign(tf.tensor(gaussian(100 + index, weight.size, 0.5), weight.shape)));
      }
      await saveAdapterFile(path.join(dir, ADAPTERS_DIR, `${name}.safetensors`), adapters, name, `You are ${name}.`);
    }
  } finally {
    adapters.dispose();
    model.dispose();
  }
}
