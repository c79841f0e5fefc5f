/**
 * Trains the shared trunk, then one cognate variant from it, through core's loop, with the ponder cost in
 * the loss and its own data order.
 */
import path from 'node:path';
import {
  SPECIAL_IDS,
  activationBytesPerSequence,
  documentBatchSource,
  ponderingLoss,
  titanRunnerOf,
  train,
} from '@agent-forge/core';
import type { ActivationShape, PhaseContext, TinyTitan, TrainSummary } from '@agent-forge/core';
import type { CognatePhaseConfig } from './phase-config.js';
import type { CognateVariant } from './variants.js';

/** Where a variant's resumable training state lives inside the phase directory. */
export function trainStateDir(phaseDir: string, role: string): string {
  return path.join(phaseDir, 'train-state', role);
}

/** Float32 tensors of `dim²` per row that each memory chunk keeps for the backward pass (W, S, G and products). */
const MEMORY_TENSORS_PER_CHUNK = 6;

/**
 * The shape the loop sizes micro-batches by: ACT applies the stack up to maxSteps times, and the memory
 * keeps several `dim × dim` tensors per chunk, counted here as the equivalent number of extra layers.
 */
export function trainingShape(model: TinyTitan): ActivationShape & {
  /** Tokens per training sequence: the model's context length. */
  contextLength: number;
} {
  const { config } = model;
  const { act, memory } = titanRunnerOf(model).settings;
  const perLayer =
    activationBytesPerSequence({ ...config, nLayers: 1 }, config.contextLength) -
    activationBytesPerSequence({ ...config, nLayers: 0 }, config.contextLength);
  const memoryBytes = memory.enabled
    ? 1.5 * 4 * MEMORY_TENSORS_PER_CHUNK * memory.dim ** 2 * Math.ceil(config.contextLength / memory.chunkSize)
    : 0;
  const steps = act.enabled ? act.maxSteps : 1;
  return { ...config, nLayers: config.nLayers * steps + Math.ceil(memoryBytes / perLayer) };
}

/** Core's loop on `documents` under `role`: its own state directory, data order and rng stream. */
async function trainRole(
  model: TinyTitan,
  role: string,
  config: CognatePhaseConfig,
  ctx: PhaseContext,
  documents: Int32Array[],
): Promise<TrainSummary> {
  const data = documentBatchSource(documents, {
    batchSize: config.batchSize,
    contextLength: model.config.contextLength,
    seed: ctx.rng.fork(`data:${role}`).seed(),
    eosId: SPECIAL_IDS.eos,
  });
  return train({
    model: ponderingLoss(model),
    data,
    config,
    shape: trainingShape(model),
    stateDir: trainStateDir(ctx.phaseDir, role),
    tracker: ctx.tracker,
    phase: `cognate:${role}`,
    progress: ctx.progress,
    signal: ctx.signal,
    rng: ctx.rng.fork(`train:${role}`),
  });
}

/**
 * Resumes from the variant's state directory when it holds one (a finished variant returns at once).
 * The data order is seeded by the role. The phase passes the variant's skill curriculum as `documents`
 * and `specialistSteps` as `config.steps`, with the model holding the trunk's weights.
 */
export async function trainVariant(
  model: TinyTitan,
  variant: CognateVariant,
  config: CognatePhaseConfig,
  ctx: PhaseContext,
  documents: Int32Array[],
): Promise<TrainSummary> {
  return trainRole(model, variant.role, config, ctx, documents);
}

/** Role name of the shared trunk's training state (`train-state/trunk`). */
export const TRUNK_ROLE = 'trunk';

/**
 * Pre-trains the shared trunk on the phase's documents for `config.steps`. Resumable like a variant; a
 * finished trunk restores its weights from its state at once, so every resumed variant starts from the
 * very trunk the others started from.
 */
export async function trainTrunk(
  model: TinyTitan,
  config: CognatePhaseConfig,
  ctx: PhaseContext,
  documents: Int32Array[],
): Promise<TrainSummary> {
  return trainRole(model, TRUNK_ROLE, config, ctx, documents);
}
