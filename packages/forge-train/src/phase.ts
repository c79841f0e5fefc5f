/**
 * The forge-train phase: train the BitNet model from phase 4 with Grokfast (the gradient filter in
 * core's training loop) and, from the same start with the same batches and budget, without it.
 * Both runs measure held-out loss every `evalEvery` steps and resume from their own state dirs.
 * Output: with `handOnBest` (default), whichever of the input, the Grokfast-trained and the baseline-trained
 * model has the lowest loss on held-out check windows (hand-on.ts); else the Grokfast-trained model. Input
 * extensions are kept, plus the 2-bit packed file.
 */
import path from 'node:path';
import { SPECIAL_IDS, bytesOnDisk, documentBatchSource, pickInputModel } from '@agent-forge/core';
import type {
  InputModelChoice,
  Phase,
  PhaseContext,
  PhaseData,
  PhaseOutput,
  PhaseResult,
  TinyTitan,
} from '@agent-forge/core';
import { stepsToReach, timedTransform, trainWithCurve, type CurveRun, type TimedTransform } from './curve.js';
import { evaluateQuality, windowsLoss, type Quality } from './evaluate.js';
import { createGrokfast } from './filters/registry.js';
import {
  ForgeTrainPhaseConfigSchema,
  filterSettings,
  forgeTrainPresetDefaults,
  type ForgeTrainPhaseConfig,
} from './phase-config.js';
import { chooseHandedOn, prepareForgeTrainData, type CheckLosses } from './hand-on.js';
import { loadInput, saveHandedOn } from './phase-steps.js';
import { phaseMetrics, phaseReport, type PhaseOutcome, type RunOutcome } from './report.js';

/** Directory of the output checkpoint inside the phase directory. */
export const FORGE_TRAIN_MODEL_DIR = 'model';
const GROKFAST_STATE = 'train-state-grokfast';
const BASELINE_STATE = 'train-state-baseline';

async function trainOne(
  model: TinyTitan,
  data: PhaseData<unknown>,
  config: ForgeTrainPhaseConfig,
  ctx: PhaseContext,
  options: { label: string; stateDir: string; transform?: TimedTransform },
): Promise<CurveRun> {
  const batches = documentBatchSource(data.trainDocuments, {
    batchSize: config.batchSize,
    contextLength: model.config.contextLength,
    seed: ctx.seed,
    eosId: SPECIAL_IDS.eos,
  });
  return trainWithCurve({
    model,
    data: batches,
    config,
    ctx,
    label: options.label,
    stateDir: path.join(ctx.phaseDir, options.stateDir),
    measure: () => windowsLoss(model, data.heldOut.windows),
    transform: options.transform,
  });
}

/** The baseline arm's outcome and its trained model (the caller disposes it). */
interface BaselineArm {
  readonly outcome: RunOutcome;
  readonly model: TinyTitan;
}

/** The baseline on its own copy of the input: same start, same batches, no filter. */
async function runBaseline(
  dir: string,
  data: PhaseData<unknown>,
  config: ForgeTrainPhaseConfig,
  ctx: PhaseContext,
): Promise<BaselineArm> {
  const { model, tokenizer } = await loadInput(dir);
  try {
    const run = await trainOne(model, data, config, ctx, { label: 'baseline', stateDir: BASELINE_STATE });
    return { outcome: { run, quality: await evaluateQuality(model, tokenizer, data.heldOut) }, model };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The model forge-train trains: bitnet's ternary model, else a reasoning-enhanced or merged one, else the first. */
const INPUT: InputModelChoice = {
  phase: 'forge-train',
  roles: ['ternary', 'reasoning-enhanced', 'merged'],
  after: 'bitnet',
};

async function runForgeTrain(
  input: PhaseResult | null,
  config: ForgeTrainPhaseConfig,
  ctx: PhaseContext,
): Promise<PhaseOutput> {
  const source = pickInputModel(input, INPUT);
  const settings = filterSettings(config);
  const transform = timedTransform(createGrokfast(config.filter, settings));
  const loaded = await loadInput(source.dir).catch((error: unknown) => {
    transform.dispose();
    throw error;
  });
  const { model, tokenizer } = loaded;
  let baseline: BaselineArm | undefined;
  try {
    const data = await prepareForgeTrainData(config, ctx, tokenizer, model.config.contextLength);
    const before: Quality = await evaluateQuality(model, tokenizer, data.heldOut);
    const checkBefore = data.extra && windowsLoss(model, data.extra);
    baseline = config.baseline ? await runBaseline(source.dir, data, config, ctx) : undefined;
    const run = await trainOne(model, data, config, ctx, { label: 'grokfast', stateDir: GROKFAST_STATE, transform });
    const grokfast: RunOutcome = { run, quality: await evaluateQuality(model, tokenizer, data.heldOut) };
    const check: CheckLosses | undefined = data.extra && {
      windows: data.extra.rows,
      input: checkBefore as number,
      grokfast: windowsLoss(model, data.extra),
      baseline: baseline && windowsLoss(baseline.model, data.extra),
    };
    const handedOn = chooseHandedOn(check);
    const outcome = phaseOutcome(config, settings, { before, grokfast, baseline: baseline?.outcome, check, handedOn });
    const dir = path.join(ctx.phaseDir, FORGE_TRAIN_MODEL_DIR);
    const models = { grokfast: model, baseline: baseline?.model, inputDir: source.dir };
    const packedFile = await saveHandedOn(handedOn, dir, loaded, models);
    return {
      models: [{ dir, role: 'trained', params: model.parameterCount, bytes: await bytesOnDisk(dir) }],
      metrics: phaseMetrics(outcome),
      report: phaseReport(outcome),
      artifacts: packedFile ? { packedWeights: packedFile } : {},
    };
  } finally {
    model.dispose();
    baseline?.model.dispose();
    transform.dispose();
  }
}

/** The outcome the report and metrics are written from; stepsToBaselineLoss from the two curves. */
function phaseOutcome(
  config: ForgeTrainPhaseConfig,
  settings: Record<string, unknown>,
  arms: Pick<PhaseOutcome, 'before' | 'grokfast' | 'baseline' | 'check' | 'handedOn'>,
): PhaseOutcome {
  const baselineFinal = arms.baseline?.run.points[arms.baseline.run.points.length - 1]?.heldOutLoss;
  return {
    ...arms,
    filter: config.filter,
    filterSettings: settings,
    steps: config.steps,
    stepsToBaselineLoss:
      baselineFinal === undefined ? undefined : stepsToReach(arms.grokfast.run.points, baselineFinal),
  };
}

/** Phase 5 of the pipeline; the CLI registers it as `forge-train`. */
export const forgeTrainPhase: Phase<ForgeTrainPhaseConfig> = {
  name: 'forge-train',
  description:
    'Grokfast (EMA/MA gradient filter) training of the BitNet model, against a no-filter baseline of the same budget',
  configSchema: ForgeTrainPhaseConfigSchema,
  presetDefaults: forgeTrainPresetDefaults,
  run: runForgeTrain,
};
