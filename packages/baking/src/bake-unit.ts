/**
 * A bake as a work unit (`baking.bake`): everything one bake needs, as JSON and paths in the run, so
 * it runs the same in the phase's process or on a `forge worker`. The unit loads the input model
 * itself and forks its random streams from the run's seed exactly as the phase would.
 */
import path from 'node:path';
import {
  LoraAdapters,
  PresetNameSchema,
  Rng,
  Tracker,
  parseConfig,
  relativeToRun,
  resolveInRun,
  unitKinds,
} from '@agent-forge/core';
import type { PhaseContext, UnitContext, WorkUnit } from '@agent-forge/core';
import { z } from 'zod';
import { runBakeJob, type BakeEnvironment, type BakeJob, type BakeOutcome } from './bake-job.js';
import type { BakingPhaseConfig } from './phase-config.js';
import { loadWithSlots } from './phase-steps.js';

/** Name of the unit kind that bakes one prompt. */
export const BAKE_UNIT = 'baking.bake';

const BakeUnitArgsSchema = z
  .object({
    runId: z.string().min(1),
    preset: PresetNameSchema,
    /** The phase directory, relative to the run. */
    phaseDir: z.string().min(1),
    /** The input checkpoint, relative to the run. */
    inputDir: z.string().min(1),
    /** Where finished adapters go, relative to the run. */
    workDir: z.string().min(1),
    /** The phase's config as it was validated by the phase (not parsed again: defaults would come back). */
    config: z.custom<BakingPhaseConfig>((value) => typeof value === 'object' && value !== null),
    job: z.object({
      name: z.string().min(1),
      kind: z.enum(['personas', 'tools']),
      prompt: z.string(),
      marker: z.string().optional(),
    }),
    inputs: z.object({ train: z.array(z.array(z.number().int())), heldOut: z.array(z.array(z.number().int())) }),
  })
  .strict();

/** The unit that bakes `job` within the phase run `env` describes, reading the checkpoint at `inputDir`. */
export function bakeUnit(env: BakeEnvironment, job: BakeJob, inputDir: string): WorkUnit {
  const { ctx } = env;
  const inRun = (file: string): string => relativeToRun(ctx.runDir, file);
  return {
    kind: BAKE_UNIT,
    id: `baking/${job.name}`,
    seed: ctx.seed,
    args: {
      runId: ctx.runId,
      preset: ctx.preset,
      phaseDir: inRun(ctx.phaseDir),
      inputDir: inRun(inputDir),
      workDir: inRun(env.workDir),
      config: env.config,
      job: { ...job },
      inputs: env.inputs,
    },
    inputs: [inRun(inputDir)],
    output: inRun(path.join(env.workDir, `${job.name}.bake.json`)),
  };
}

/** The phase context a bake sees in a unit: the run's ids and paths, the phase's rng fork of the unit's seed. */
function bakeContext(unit: WorkUnit, args: z.output<typeof BakeUnitArgsSchema>, ctx: UnitContext): PhaseContext {
  return {
    runId: args.runId,
    runDir: ctx.runDir,
    phaseDir: resolveInRun(ctx.runDir, args.phaseDir),
    preset: args.preset,
    seed: unit.seed,
    rng: Rng.fromSeed(unit.seed).fork('baking'),
    backend: ctx.backend,
    tracker: ctx.tracker ?? Tracker.none(),
    progress: ctx.progress,
    signal: ctx.signal,
    resuming: true,
  };
}

async function runBakeUnit(unit: WorkUnit, ctx: UnitContext): Promise<BakeOutcome> {
  const args = parseConfig(BakeUnitArgsSchema, unit.args, { prefix: `unit ${unit.id}` });
  const { model, tokenizer } = await loadWithSlots(resolveInRun(ctx.runDir, args.inputDir), args.config.targetModules);
  const adapters = LoraAdapters.of(model);
  try {
    const env: BakeEnvironment = {
      model,
      adapters,
      tokenizer,
      inputs: args.inputs,
      config: args.config,
      ctx: bakeContext(unit, args, ctx),
      workDir: resolveInRun(ctx.runDir, args.workDir),
    };
    const outcome = await runBakeJob(env, args.job);
    return { ...outcome, adapterFile: relativeToRun(ctx.runDir, outcome.adapterFile) };
  } finally {
    adapters.dispose();
    model.dispose();
  }
}

const num = z.number();
/** Checks the parts of a bake's result the phase reads numbers from; JSON turns a NaN into null, refused here. */
const BakeOutcomeShape = z.looseObject({
  job: z.looseObject({ name: z.string() }),
  promptTokens: num,
  kl: z.looseObject({ klBase: num, klBaked: num, klReductionPct: num }),
  steps: num,
  finalLoss: num,
  resumedFrom: num,
  adapterFile: z.string(),
  adapterBytes: num,
  bakeMs: num,
});

/** A bake unit's JSON result as the phase's BakeOutcome, its adapter path resolved in `runDir`. */
export function parseBakeOutcome(result: unknown, unit: WorkUnit, runDir: string): BakeOutcome {
  const shape = parseConfig(BakeOutcomeShape, result, { prefix: `unit ${unit.id}.result` });
  // The checked shape is the runner's own BakeOutcome written as JSON; the nested reports are passed through.
  const outcome = shape as unknown as BakeOutcome;
  return { ...outcome, adapterFile: resolveInRun(path.resolve(runDir), shape.adapterFile) };
}

unitKinds.register({
  name: BAKE_UNIT,
  displayName: 'Prompt Baking: one prompt into one LoRA adapter',
  referenceUrl: 'https://arxiv.org/abs/2409.13697',
  run: runBakeUnit,
});
