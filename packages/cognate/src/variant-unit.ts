/**
 * A cognate variant as a work unit (`cognate.variant`): train, evaluate and save one of the three
 * models. The unit prepares the phase's data itself from the run's settings (deterministic: the same
 * split and tokenizer everywhere; kept between units in one process, so it is built once per process),
 * so a variant trains the same in the phase's process or on a `forge worker`.
 */
import path from 'node:path';
import {
  PresetNameSchema,
  Rng,
  Tracker,
  parseConfig,
  readSafetensorsFile,
  relativeToRun,
  resolveInRun,
  unitKinds,
  weightsToTf,
} from '@agent-forge/core';
import type { DatasetSource, ModelConfig, PhaseContext, PhaseModel, UnitContext, WorkUnit } from '@agent-forge/core';
import { z } from 'zod';
import { runVariant, trunkWeightsFile } from './phase.js';
import type { CognatePhaseConfig } from './phase-config.js';
import { prepareCognateData, type CognateData } from './phase-data.js';
import type { VariantOutcome } from './report.js';
import { CognateVariantSchema, type CognateVariant } from './variants.js';

/** Name of the unit kind that trains one cognate model. */
export const VARIANT_UNIT = 'cognate.variant';

const object = (value: unknown): boolean => typeof value === 'object' && value !== null;
const VariantArgsSchema = z
  .object({
    runId: z.string().min(1),
    preset: PresetNameSchema,
    /** The phase directory, relative to the run. */
    phaseDir: z.string().min(1),
    /** The phase's config and model settings as the phase validated them (not parsed again). */
    config: z.custom<CognatePhaseConfig>(object),
    model: z.custom<ModelConfig>(object),
    /** The run's data (`forge run --data`), when given. */
    data: z.custom<DatasetSource>(object).optional(),
    variant: CognateVariantSchema,
  })
  .strict();
type VariantArgs = z.output<typeof VariantArgsSchema>;

/** What a variant unit returns: the phase's outcome and its checkpoint (directory relative to the run). */
export interface VariantResult {
  /** Settings, quality, profile and training summary of the trained model. */
  readonly outcome: VariantOutcome;
  /** The saved checkpoint. */
  readonly saved: PhaseModel;
}

/** The unit that trains `variant` of this phase run. */
export function variantUnit(
  ctx: PhaseContext,
  config: CognatePhaseConfig,
  model: ModelConfig,
  variant: CognateVariant,
): WorkUnit {
  const phaseDir = relativeToRun(ctx.runDir, ctx.phaseDir);
  return {
    kind: VARIANT_UNIT,
    id: `cognate/${variant.role}`,
    seed: ctx.seed,
    args: { runId: ctx.runId, preset: ctx.preset, phaseDir, config, model, data: ctx.data, variant },
    inputs: [relativeToRun(ctx.runDir, trunkWeightsFile(ctx.phaseDir))],
    output: path.join(phaseDir, 'units', `${variant.role}.json`),
  };
}

// The shared data of the phase run this process last trained a variant of.
let prepared: { key: string; data: CognateData } | undefined;

/** Drops the data variant units keep in this process (the phase calls it when its variants are done). */
export function releaseVariantUnits(): void {
  prepared = undefined;
}

async function dataFor(args: VariantArgs, ctx: PhaseContext): Promise<CognateData> {
  const key = JSON.stringify([args.config, args.model, args.data, args.preset, ctx.seed]);
  if (prepared?.key !== key) {
    releaseVariantUnits();
    prepared = { key, data: await prepareCognateData(args.config, ctx, args.model) };
  }
  return prepared.data;
}

async function runVariantUnit(unit: WorkUnit, uctx: UnitContext): Promise<VariantResult> {
  const args = parseConfig(VariantArgsSchema, unit.args, { prefix: `unit ${unit.id}` });
  const ctx: PhaseContext = {
    runId: args.runId,
    runDir: uctx.runDir,
    phaseDir: resolveInRun(uctx.runDir, args.phaseDir),
    preset: args.preset,
    seed: unit.seed,
    rng: Rng.fromSeed(unit.seed).fork('cognate'),
    backend: uctx.backend,
    tracker: uctx.tracker ?? Tracker.none(),
    progress: uctx.progress,
    signal: uctx.signal,
    resuming: true,
    data: args.data,
  };
  const trunk = weightsToTf((await readSafetensorsFile(trunkWeightsFile(ctx.phaseDir))).weights);
  try {
    const { outcome, saved } = await runVariant(args.variant, {
      model: args.model,
      data: await dataFor(args, ctx),
      config: args.config,
      ctx,
      trunk,
    });
    return { outcome, saved: { ...saved, dir: relativeToRun(uctx.runDir, saved.dir) } };
  } finally {
    for (const tensor of trunk.values()) tensor.dispose();
  }
}

const num = z.number();
const VariantResultShape = z.object({
  outcome: z.looseObject({
    variant: CognateVariantSchema,
    params: num,
    quality: z.looseObject({ perplexity: num, loss: num }),
    profile: z.looseObject({}),
    // JSON has no NaN: a training call that took no step (finalLoss NaN) comes back as null.
    training: z.looseObject({ step: num, finalLoss: num.nullable().transform((v) => v ?? Number.NaN) }),
  }),
  saved: z.object({ dir: z.string().min(1), role: z.string(), params: num, bytes: num }),
});

/** A variant unit's JSON result, its checkpoint directory resolved in `runDir`. */
export function parseVariantResult(result: unknown, unit: WorkUnit, runDir: string): VariantResult {
  const shape = parseConfig(VariantResultShape, result, { prefix: `unit ${unit.id}.result` });
  // The checked shape is the unit's own VariantResult written as JSON; nested reports pass through.
  const outcome = shape.outcome as unknown as VariantOutcome;
  return { outcome, saved: { ...shape.saved, dir: resolveInRun(path.resolve(runDir), shape.saved.dir) } };
}

unitKinds.register({
  name: VARIANT_UNIT,
  displayName: 'Cognate: train one TinyTitan variant',
  referenceUrl: 'https://arxiv.org/abs/2501.00663',
  run: runVariantUnit,
});
