/** The compression phase's steps: pick the input, prepare data, plan every tensor, per-method reports, save. */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CHECKPOINT_FILES,
  ForgeError,
  SPECIAL_IDS,
  builtinDataFor,
  heldOutWindows,
  loadDataset,
  replaceDirectory,
  tf,
  writeJsonAtomic,
} from '@agent-forge/core';
import type {
  BpeTokenizer,
  ModelCheckpointConfig,
  PhaseContext,
  PhaseModel,
  PhaseResult,
  Rng,
  TinyTitan,
} from '@agent-forge/core';
import { applyChoice } from './budget.js';
import { planTensor, type CandidateSpec, type TensorPlan } from './candidates.js';
import { evaluateQuality, firstWindows, type HeldOut, type Quality, type Windows } from './evaluate.js';
import { COMPRESSED_FILE, writeCompressedFile } from './format.js';
import type { CompressionExtension } from './model-loading.js';
import type { CompressionPhaseConfig } from './phase-config.js';
import { parseMethodSettings } from './registry.js';

/** Roles preferred as the model to compress, in order; otherwise the first model. */
const PREFERRED_ROLES = ['deployable', 'baked', 'trained', 'ternary'];
const PAPER_METHODS = new Set(['seedlm', 'vptq', 'hyper']);

export function pickInputModel(input: PhaseResult | null): PhaseModel {
  if (input === null)
    throw new ForgeError('compression needs a model: run after edge (or any phase with a model) or pass --input', {
      field: 'input',
    });
  for (const role of PREFERRED_ROLES) {
    const match = input.models.find((model) => model.role === role);
    if (match) return match;
  }
  const first = input.models[0];
  if (!first)
    throw new ForgeError(`compression needs a model, but the ${input.phase} result lists none`, {
      field: 'input.models',
    });
  return first;
}

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

export interface PhaseData {
  readonly heldOut: HeldOut;
  readonly calibration: Windows;
}

export async function preparePhaseData(
  config: CompressionPhaseConfig,
  ctx: PhaseContext,
  tokenizer: BpeTokenizer,
  contextLength: number,
): Promise<PhaseData> {
  const dataset = await loadDataset(ctx.data ?? config.data ?? builtinDataFor(ctx.preset, ctx.seed));
  const { train, validation } = dataset.split({ validationFraction: config.validationFraction, seed: ctx.seed });
  const windows = heldOutWindows(validation.tokenize(tokenizer), contextLength, SPECIAL_IDS.eos, config.evalWindows);
  if (windows.rows === 0)
    throw new ForgeError(
      `the data (${dataset.size} examples) is too small: need held-out text longer than the context (${contextLength} tokens)`,
      { field: 'data' },
    );
  const calibration = heldOutWindows(
    train.tokenize(tokenizer),
    contextLength,
    SPECIAL_IDS.eos,
    config.calibrationWindows,
  );
  const problems = validation.problems().slice(0, config.evalProblems);
  return {
    heldOut: {
      windows,
      budgetWindows: firstWindows(windows, config.budgetWindows),
      problems,
      maxNewTokens: config.maxNewTokens,
    },
    calibration,
  };
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

/** Writes the compressed checkpoint directory (replacing any old one atomically). */
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
    await writeJsonAtomic(path.join(staging, CHECKPOINT_FILES.config), {
      ...input.config,
      extensions: { ...input.config.extensions, compression: extension },
    });
  });
  return extension;
}
