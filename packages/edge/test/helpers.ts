import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BitNetSettingsSchema,
  LoraAdapters,
  Rng,
  bitnetExtension,
  buildModel,
  formatProblem,
  generateProblems,
  loraExtension,
  saveAdapterFile,
  saveModelCheckpoint,
  tf,
  trainBpe,
} from '@agent-forge/core';
import type { BitNetSettingsInput, BpeTokenizer, ModelConfigInput, PhaseResult, TinyTitan } from '@agent-forge/core';

/**
 * A model small enough for many forwards in a test. initStd is large so random weights give decisive
 * logits: greedy comparisons then test the computation, not float ties.
 */
export const MICRO: ModelConfigInput = {
  vocabSize: 320,
  dModel: 32,
  nLayers: 2,
  nHeads: 2,
  contextLength: 24,
  initStd: 0.35,
};

/** ACT and memory on, as cognate's models have them. */
export const TITAN_SETTINGS = {
  act: { enabled: true, maxSteps: 2, threshold: 0.6 },
  memory: { enabled: true, chunkSize: 4 },
};

export function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `edge-${label}-`));
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

export function randomIds(seed: number, length: number, vocabSize: number): number[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length }, () => rng.int(0, vocabSize - 1));
}

/** How the test BitNet models are made: ACT + memory when `titan`, the embedding's storage (default: the settings' default). */
export interface BitNetOptions {
  titan?: boolean;
  seed?: number;
  config?: ModelConfigInput;
  embeddingQuant?: BitNetSettingsInput['embeddingQuant'];
}

/** A BitNet model (ACT + memory too when `titan`), randomly initialised, with its extensions. */
export function createBitNet(options: BitNetOptions = {}): {
  model: TinyTitan;
  extensions: Record<string, unknown>;
} {
  const config = options.config ?? MICRO;
  const base = options.titan ? { titan: TITAN_SETTINGS } : {};
  const probe = buildModel(config, base, { seed: options.seed ?? 3 });
  const settings = options.embeddingQuant === undefined ? {} : { embeddingQuant: options.embeddingQuant };
  const extensions = { ...base, bitnet: bitnetExtension(probe, BitNetSettingsSchema.parse(settings)) };
  probe.dispose();
  return { model: buildModel(config, extensions, { seed: options.seed ?? 3 }), extensions };
}

/** Saves a BitNet checkpoint as the bitnet phase does: latent weights plus the packed file (core's save hook). */
export async function saveBitNetDir(dir: string, options: BitNetOptions = {}): Promise<void> {
  const { model, extensions } = createBitNet(options);
  await saveModelCheckpoint(dir, { model, tokenizer: microTokenizer(), extensions });
  model.dispose();
}

/** Greedy tokens by recomputing the full forward over prompt + output at every step (no cache). */
export function recomputeGreedy(model: TinyTitan, promptIds: readonly number[], count: number): number[] {
  const ids = [...promptIds];
  const out: number[] = [];
  for (let i = 0; i < count && ids.length <= model.config.contextLength; i++) {
    const logits = tf.tidy(() => {
      const all = model.forward(tf.tensor2d(ids, [1, ids.length], 'int32'));
      return tf.reshape(tf.slice(all, [0, ids.length - 1, 0], [1, 1, model.config.vocabSize]), [-1]);
    });
    const row = logits.dataSync();
    logits.dispose();
    let best = 0;
    for (let j = 1; j < row.length; j++) if ((row[j] as number) > (row[best] as number)) best = j;
    out.push(best);
    ids.push(best);
  }
  return out;
}

/** A previous phase's result pointing at `dirs` (role per entry). */
export function fakeResult(models: { dir: string; role: string }[]): PhaseResult {
  return {
    phase: 'baking',
    runId: 'fake',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    models: models.map((m) => ({ ...m, params: 0, bytes: 0 })),
    metrics: {},
    artifacts: {},
    config: {},
  };
}

/** Layers the baked test persona adapts. */
export const TARGETS = ['blocks.0.attn.q', 'blocks.0.attn.v', 'blocks.1.mlp.down'];

/** A baked directory: a BitNet + Titan checkpoint and one persona adapter with a non-zero update. */
export async function saveBakedDir(target: string, options: Pick<BitNetOptions, 'embeddingQuant'> = {}): Promise<void> {
  await saveBitNetDir(target, { ...options, titan: true, seed: 12 });
  const { extensions } = createBitNet({ titan: true, seed: 12 });
  const model = buildModel(MICRO, { ...extensions, titan: TITAN_SETTINGS, lora: loraExtension(TARGETS) }, { seed: 12 });
  const adapters = LoraAdapters.of(model);
  adapters.create('terse', { rank: 4, alpha: 8 }, 3);
  for (const [name, weight] of adapters.weights('terse'))
    if (name.endsWith('lora_b')) weight.assign(weight.add(0.8).mul(1));
  mkdirSync(path.join(target, 'adapters'));
  await saveAdapterFile(path.join(target, 'adapters', `terse.safetensors`), adapters, 'terse', 'Answer briefly.');
  adapters.dispose();
  model.dispose();
}
