/** The compression phase's steps: prepare data, plan every tensor, per-method reports, save. */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CHECKPOINT_FILES,
  ForgeError,
  SPECIAL_IDS,
  copyAdapters,
  evaluateQuality,
  firstWindows,
  heldOutWindows,
  preparePhaseData,
  replaceDirectory,
  tf,
  writeJsonAtomic,
} from '@agent-forge/core';
import type {
  BpeTokenizer,
  ModelCheckpointConfig,
  HeldOut,
  PhaseContext,
  Quality,
  Rng,
  TinyTitan,
  TokenWindows,
} from '@agent-forge/core';
import { applyChoice } from './budget.js';
import { planTensor, type CandidateSpec, type TensorPlan } from './candidates.js';
import { COMPRESSED_FILE, writeCompressedFile } from './format.js';
import type { CompressionExtension } from './model-loading.js';
import type { CompressionPhaseConfig } from './phase-config.js';
import { parseMethodSettings } from './registry.js';

const PAPER_METHODS = new Set(['seedlm', 'vptq', 'hyper']);

/** The configured candidates with validated settings (SeedLM gets the phase-wide seed count unless it sets one). */
export function resolveCandidates(config: CompressionPhaseConfig): CandidateSpec[] {
  return config.candidates.map((candidate, index) => {
    const raw =
      candidate.method === 'seedlm' && candidate.settings.seedCandidates === undefined
        ? { ...candidate.settings, seedCandidates: config.seedCandidates }
        : candidate.settings;
    return {
      label: candidate.label ?? candidate.method,
      method: candidate.method,
      settings: parseMethodSettings(candidate.method, raw, `phases.compression.candidates[${index}].settings`),
      matricesOnly: candidate.matricesOnly ?? PAPER_METHODS.has(candidate.method),
    };
  });
}

/** Core's held-out set plus the few windows the per-group budget check evaluates. */
export interface CompressionHeldOut extends HeldOut {
  /** The first `budgetWindows` held-out windows. */
  readonly budgetWindows: TokenWindows;
}

/** The phase's data: the held-out evaluation set and the calibration windows from the training side. */
export interface CompressionData {
  readonly heldOut: CompressionHeldOut;
  readonly calibration: TokenWindows;
}

/** Core's data path (the phase trains nothing) with the calibration windows as its extra split. */
export async function prepareCompressionData(
  config: CompressionPhaseConfig,
  ctx: PhaseContext,
  tokenizer: BpeTokenizer,
  contextLength: number,
): Promise<CompressionData> {
  const data = await preparePhaseData(config, ctx, tokenizer, contextLength, {
    trains: false,
    extra: ({ train }, tokens) =>
      heldOutWindows(train.tokenize(tokens), contextLength, SPECIAL_IDS.eos, config.calibrationWindows),
  });
  const budgetWindows = firstWindows(data.heldOut.windows, config.budgetWindows);
  return { heldOut: { ...data.heldOut, budgetWindows }, calibration: data.extra };
}

/** Encodes every weight of `model` with every applicable candidate. */
export function planModel(
  model: TinyTitan,
  specs: readonly CandidateSpec[],
  config: CompressionPhaseConfig,
  rng: Rng,
  importance: ReadonlyMap<string, Float32Array>,
  onTensor?: (done: number, total: number) => void,
): TensorPlan[] {
  const weights = [...model.namedWeights()];
  return weights.map(([name, variable], index) => {
    const plan = planTensor(name, variable.dataSync() as Float32Array, variable.shape, {
      specs,
      maxRelativeError: config.maxRelativeError,
      minElements: config.minElements,
      rng,
      context: { rowImportance: importance.get(name) },
    });
    onTensor?.(index + 1, weights.length);
    return plan;
  });
}

export interface MethodOutcome {
  readonly label: string;
  readonly tensors: number;
  /** Weights it covers and the share of the model that is. */
  readonly weights: number;
  readonly coverage: number;
  readonly bytes: number;
  readonly bitsPerWeight: number;
  readonly relativeError: number;
  readonly encodeMs: number;
  readonly quality: Quality | undefined;
}

/**
 * Per candidate: the model with every tensor it can encode stored that way (whatever its error) and
 * the rest as in the input; `quality` only when `evaluate` is set. Leaves the model's weights as it found them.
 */
export async function methodOutcomes(
  model: TinyTitan,
  tokenizer: BpeTokenizer,
  plans: readonly TensorPlan[],
  specs: readonly CandidateSpec[],
  heldOut: HeldOut,
  evaluate: boolean,
): Promise<MethodOutcome[]> {
  const original = new Map([...model.namedWeights()].map(([name, v]) => [name, v.clone()]));
  const total = [...original.values()].reduce((n, v) => n + v.size, 0);
  const outcomes: MethodOutcome[] = [];
  try {
    for (const spec of specs) {
      const covered = plans
        .map((plan) => ({ plan, candidate: plan.all.find((c) => c.label === spec.label) }))
        .filter((x) => x.candidate !== undefined);
      if (covered.length === 0) continue;
      let weights = 0,
        bytes = 0,
        errorSquares = 0,
        normSquares = 0,
        encodeMs = 0;
      for (const { plan, candidate } of covered) {
        if (!candidate) continue;
        const size = plan.shape.reduce((a, b) => a * b, 1);
        const tensor = original.get(plan.name);
        const norm = tensor === undefined ? 0 : tf.tidy(() => tensor.norm().dataSync()[0] as number);
        weights += size;
        bytes += candidate.bytes;
        encodeMs += candidate.encodeMs;
        errorSquares += (candidate.relativeError * norm) ** 2;
        normSquares += norm ** 2;
        applyChoice(model, { ...plan, ladder: [candidate], chosen: 0 });
      }
      const quality = evaluate ? await evaluateQuality(model, tokenizer, heldOut) : undefined;
      for (const [name, tensor] of original) model.namedWeights().get(name)?.assign(tensor);
      outcomes.push({
        label: spec.label,
        tensors: covered.length,
        weights,
        coverage: weights / total,
        bytes,
        bitsPerWeight: (8 * bytes) / weights,
        relativeError: normSquares > 0 ? Math.sqrt(errorSquares / normSquares) : 0,
        encodeMs,
        quality,
      });
    }
  } finally {
    for (const tensor of original.values()) tensor.dispose();
  }
  return outcomes;
}

/**
 * Writes the compressed checkpoint directory (replacing any old one atomically). A baked input's
 * `adapters/` are copied as they are: LoRA factors are a small share of the bytes (rank × (in + out) per
 * layer), stay exact, and load with core's adapter loader unchanged.
 */
export async function saveCompressedCheckpoint(
  dir: string,
  plans: readonly TensorPlan[],
  input: { dir: string; config: ModelCheckpointConfig },
): Promise<CompressionExtension> {
  const encoded = new Map(
    plans.map((plan) => {
      const candidate = plan.ladder[plan.chosen];
      if (!candidate) throw new ForgeError(`no candidate chosen for '${plan.name}'`, { field: 'candidates' });
      return [plan.name, candidate.encoded] as const;
    }),
  );
  const extension: CompressionExtension = {
    version: 1,
    file: COMPRESSED_FILE,
    methods: Object.fromEntries(plans.map((plan) => [plan.name, plan.ladder[plan.chosen]?.label ?? ''])),
  };
  await replaceDirectory(dir, async (staging) => {
    await writeCompressedFile(path.join(staging, COMPRESSED_FILE), encoded);
    await copyFile(path.join(input.dir, CHECKPOINT_FILES.tokenizer), path.join(staging, CHECKPOINT_FILES.tokenizer));
    await copyAdapters(input.dir, staging);
    await writeJsonAtomic(path.join(staging, CHECKPOINT_FILES.config), {
      ...input.config,
      extensions: { ...input.config.extensions, compression: extension },
    });
  });
  return extension;
}
