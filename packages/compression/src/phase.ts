/**
 * The compression phase: load the deployable model (BitNet layers as W_q·γ), encode every weight with
 * every configured candidate, keep per tensor the smallest one within the error budget and per layer
 * group within the held-out loss budget, write `model.compressed.safetensors` with a config that
 * `loadCompressedModel` decodes at load time (a baked input's adapters copied beside it), then evaluate
 * that file as loaded. A baked input is measured throughout — before, budget, after — with its
 * measurement persona active (core's `measurementPersona`), as the after-run effects measure it.
 */
import path from 'node:path';
import {
  ADAPTERS_DIR,
  ForgeError,
  bytesOnDisk,
  evaluateQuality,
  hasAdapters,
  perplexity,
  pickInputModel,
} from '@agent-forge/core';
import type { InputModelChoice, Phase, PhaseContext, PhaseOutput, PhaseResult, TinyTitan } from '@agent-forge/core';
import { layerGroup, selectWithinBudget, type BudgetOutcome } from './budget.js';
import { measureRowImportance } from './calibration.js';
import { COMPRESSED_FILE } from './format.js';
import { loadCompressedBakedModel, loadCompressedModel, loadInputModel, type InputModel } from './model-loading.js';
import {
  CompressionPhaseConfigSchema,
  compressionPresetDefaults,
  type CompressionPhaseConfig,
} from './phase-config.js';
import type { CandidateSpec, TensorPlan } from './candidates.js';
import {
  methodOutcomes,
  planModel,
  prepareCompressionData,
  resolveCandidates,
  saveCompressedCheckpoint,
  type CompressionData,
  type MethodOutcome,
} from './phase-steps.js';
import { phaseMetrics, phaseReport, type PhaseOutcome } from './report.js';

/** Directory of the output checkpoint inside the phase directory. */
export const COMPRESSION_MODEL_DIR = 'model';

function finiteMetrics(metrics: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(metrics).filter(
      (entry): entry is [string, number] => entry[1] !== undefined && Number.isFinite(entry[1]),
    ),
  );
}

/** The model compression compresses: edge's deployable model, else a baked, trained or ternary one, else the first. */
const INPUT: InputModelChoice = {
  phase: 'compression',
  roles: ['deployable', 'baked', 'trained', 'ternary'],
  after: 'edge (or any phase with a model)',
};

/** Every tensor with every candidate (stoppable between tensors), then the per-method quality reports. */
async function encodeEveryTensor(
  loaded: InputModel,
  specs: readonly CandidateSpec[],
  config: CompressionPhaseConfig,
  data: CompressionData,
  ctx: PhaseContext,
): Promise<{ plans: TensorPlan[]; methods: MethodOutcome[] }> {
  const { model, tokenizer } = loaded;
  const importance = config.calibrate
    ? measureRowImportance(loaded.config, model, data.calibration)
    : new Map<string, Float32Array>();
  const encodeTask = ctx.progress.start('compression: encode tensors', model.namedWeights().size);
  const plans = planModel(model, specs, config, ctx.rng, importance, () => {
    encodeTask.tick();
    // Encoding the paper preset takes long: stop between tensors on Ctrl-C (a resume starts the phase over).
    if (ctx.signal.aborted) throw new ForgeError('compression interrupted while encoding', { field: 'signal' });
  });
  encodeTask.done();
  const methods = await methodOutcomes(model, tokenizer, plans, specs, data.heldOut, config.methodReports);
  return { plans, methods };
}

/** Per layer group, the smallest choices whose held-out loss stays within `maxLossIncrease`. */
function selectGroups(
  model: TinyTitan,
  plans: TensorPlan[],
  data: CompressionData,
  config: CompressionPhaseConfig,
  ctx: PhaseContext,
): BudgetOutcome {
  const groups = new Set(plans.map((p) => layerGroup(p.name))).size;
  const task = ctx.progress.start('compression: loss budget per layer group', groups);
  const budget = selectWithinBudget(
    model,
    plans,
    () => perplexity(model, data.heldOut.budgetWindows).loss,
    config.maxLossIncrease,
    () => task.tick(),
  );
  task.done();
  return budget;
}

/** The written output as loaded, with the input's measurement persona active when it has adapters. */
async function loadOutput(dir: string, persona: string | null): Promise<{ model: TinyTitan; dispose(): void }> {
  if (persona !== null) return loadCompressedBakedModel(dir, { persona });
  const { model } = await loadCompressedModel(dir);
  return { model, dispose: () => model.dispose() };
}

/** Encode, choose within budget, write the output and measure it as loaded: the phase's outcome. */
async function compress(
  loaded: InputModel,
  source: { dir: string },
  specs: readonly CandidateSpec[],
  config: CompressionPhaseConfig,
  ctx: PhaseContext,
): Promise<{ dir: string; outcome: PhaseOutcome }> {
  const { model, tokenizer } = loaded;
  const data = await prepareCompressionData(config, ctx, tokenizer, model.config.contextLength);
  const before = await evaluateQuality(model, tokenizer, data.heldOut);
  const { plans, methods } = await encodeEveryTensor(loaded, specs, config, data, ctx);
  const budget = selectGroups(model, plans, data, config, ctx);
  const dir = path.join(ctx.phaseDir, COMPRESSION_MODEL_DIR);
  await saveCompressedCheckpoint(dir, plans, { dir: source.dir, config: loaded.config });
  const compressed = await loadOutput(dir, loaded.persona);
  const after = await evaluateQuality(compressed.model, tokenizer, data.heldOut).finally(() => compressed.dispose());
  const outcome: PhaseOutcome = {
    before,
    after,
    budget,
    plans,
    methods,
    params: model.parameterCount,
    maxLossIncrease: config.maxLossIncrease,
    fileBytes: await bytesOnDisk(path.join(dir, COMPRESSED_FILE)),
    inputBytes: await bytesOnDisk(loaded.weightsFile),
    adapterBytes: (await hasAdapters(dir)) ? await bytesOnDisk(path.join(dir, ADAPTERS_DIR)) : 0,
    modelBytes: await bytesOnDisk(dir),
    personas: loaded.personas,
    persona: loaded.persona,
  };
  return { dir, outcome };
}

async function runCompression(
  input: PhaseResult | null,
  config: CompressionPhaseConfig,
  ctx: PhaseContext,
): Promise<PhaseOutput> {
  // Bad candidate settings fail before the model is loaded.
  const specs = resolveCandidates(config);
  const source = pickInputModel(input, INPUT);
  const loaded = await loadInputModel(source.dir);
  try {
    const { dir, outcome } = await compress(loaded, source, specs, config, ctx);
    const metrics = finiteMetrics(phaseMetrics(outcome));
    ctx.tracker.metrics('compression', 0, metrics);
    return {
      models: [{ dir, role: 'compressed', params: outcome.params, bytes: outcome.modelBytes }],
      metrics,
      report: phaseReport(outcome),
      artifacts: { compressedWeights: path.join(dir, COMPRESSED_FILE) },
    };
  } finally {
    loaded.dispose();
  }
}

/** Phase 8 of the pipeline; the CLI registers it as `compression`. */
export const compressionPhase: Phase<CompressionPhaseConfig> = {
  name: 'compression',
  description:
    'SeedLM, VPTQ and hyper-compression per tensor within a quality budget; compressed safetensors decoded at load',
  configSchema: CompressionPhaseConfigSchema,
  presetDefaults: compressionPresetDefaults,
  run: runCompression,
};
