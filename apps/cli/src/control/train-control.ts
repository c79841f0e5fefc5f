/**
 * The equal-compute control: one plain TinyTitan of the pipeline's model size, trained on the same data
 * with cognate's training settings for as many steps as the pipeline's training FLOPs buy. Resumable:
 * its training state lives in `<runDir>/control/train-state`, and a finished control is not retrained.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  ForgeError,
  SPECIAL_IDS,
  TinyTitan,
  TrainConfigSchema,
  documentBatchSource,
  loadModelCheckpoint,
  preparePhaseData,
  readJsonFile,
  resolvePhaseConfig,
  saveModelCheckpoint,
  train,
  writeJsonAtomic,
} from '@agent-forge/core';
import type {
  BpeTokenizer,
  ModelConfig,
  Phase,
  PhaseDataSettings,
  PipelineState,
  ProgressReporter,
} from '@agent-forge/core';
import { smallestValidationFraction } from '../effects/held-out.js';
import { pipelineCompute, type PhaseCompute } from './compute.js';
import type { ControlSettings } from './settings.js';

/** The control's folder in the run directory. */
export const CONTROL_DIR = 'control';
const RECORD_FILE = 'control.json';

/** What the control was trained with, as `control/control.json` records it. */
export interface ControlRecord {
  /** Its checkpoint directory. */
  readonly dir: string;
  /** Its parameters (the same dimensions as the pipeline's model, without extensions). */
  readonly params: number;
  /** Training steps it took. */
  readonly steps: number;
  /** Tokens it trained on. */
  readonly tokens: number;
  /** Its training FLOPs, 6 · params · tokens. */
  readonly flops: number;
  /** The pipeline's training FLOPs it was matched to. */
  readonly pipelineFlops: number;
  /** The pipeline's compute, phase by phase. */
  readonly pipeline: readonly PhaseCompute[];
}

interface ControlPlan {
  readonly config: ModelConfig;
  readonly tokenizer: BpeTokenizer;
  readonly train: Record<string, unknown>;
  readonly data: unknown;
}

/** The final model's dimensions, cognate's tokenizer, training settings and data: what the control shares. */
async function planControl(state: PipelineState, phases: readonly Phase[]): Promise<ControlPlan> {
  const cognate = phases.find((phase) => phase.name === 'cognate');
  const trained = state.phases.find((phase) => phase.name === 'cognate')?.result?.models[0]?.dir;
  if (!cognate || trained === undefined) {
    throw new ForgeError('the equal-compute control needs a run that includes cognate (its settings and tokenizer)', {
      field: 'control.enabled',
    });
  }
  const resolved = resolvePhaseConfig(cognate, state.preset, state.phaseConfigs.cognate) as Record<string, unknown>;
  const trainKeys = Object.keys(TrainConfigSchema.shape);
  const { model, tokenizer } = await loadModelCheckpoint(trained);
  const config = model.config;
  model.dispose();
  return {
    config,
    tokenizer,
    train: Object.fromEntries(Object.entries(resolved).filter(([key]) => trainKeys.includes(key))),
    data: resolved.data,
  };
}

/** The control's training batches: the same data and split as the pipeline, tokenized with cognate's tokenizer. */
async function controlBatches(
  plan: ControlPlan,
  state: PipelineState,
  phases: readonly Phase[],
  batchSize: number,
  seed: number,
) {
  const settings = {
    validationFraction: smallestValidationFraction(phases, state),
    evalWindows: 1,
    evalProblems: 0,
    maxNewTokens: 1,
    ...(plan.data ? { data: plan.data as PhaseDataSettings['data'] } : {}),
  };
  const ctx = { data: state.data, preset: state.preset, seed: state.seed };
  const data = await preparePhaseData(settings, ctx, plan.tokenizer, plan.config.contextLength);
  return documentBatchSource(data.trainDocuments, {
    batchSize,
    contextLength: plan.config.contextLength,
    seed,
    eosId: SPECIAL_IDS.eos,
  });
}

/** Train (or resume, or reuse) the control for `runDir`'s finished run. */
export async function trainControl(
  runDir: string,
  state: PipelineState,
  phases: readonly Phase[],
  settings: ControlSettings,
  progress: ProgressReporter,
  signal?: AbortSignal,
): Promise<ControlRecord> {
  const folder = path.join(runDir, CONTROL_DIR);
  const recordFile = path.join(folder, RECORD_FILE);
  if (existsSync(recordFile)) return (await readJsonFile(recordFile)) as ControlRecord;
  const pipeline = pipelineCompute(runDir, state);
  const pipelineFlops = pipeline.reduce((sum, phase) => sum + phase.flops, 0);
  if (pipelineFlops === 0) throw new ForgeError(`run ${state.runId} recorded no training compute to match`);
  const plan = await planControl(state, phases);
  const model = new TinyTitan(plan.config, { seed: settings.seed });
  try {
    const batchSize = TrainConfigSchema.parse({ ...plan.train, steps: 1 }).batchSize;
    const tokensPerStep = batchSize * plan.config.contextLength;
    const params = model.parameterCount;
    const steps = Math.max(1, Math.round(pipelineFlops / (6 * params * tokensPerStep)));
    await train({
      model,
      data: await controlBatches(plan, state, phases, batchSize, settings.seed),
      config: TrainConfigSchema.parse({ ...plan.train, steps }),
      shape: plan.config,
      stateDir: path.join(folder, 'train-state'),
      phase: 'control',
      progress,
      signal,
    });
    const dir = path.join(folder, 'model');
    await saveModelCheckpoint(dir, { model, tokenizer: plan.tokenizer });
    const tokens = steps * tokensPerStep;
    const record: ControlRecord = { dir, params, steps, tokens, flops: 6 * params * tokens, pipelineFlops, pipeline };
    await writeJsonAtomic(recordFile, record);
    return record;
  } finally {
    model.dispose();
  }
}
