/**
 * One prompt through the phase: sample the prompted teacher's trajectories, bake the adapter (or, on
 * a resumed run, load the one a previous attempt finished), measure it on held-out inputs, save it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  ADAPTER_EXTENSION,
  bytesOnDisk,
  loadAdapterFile,
  parseConfig,
  readJsonFile,
  saveAdapterFile,
  writeJsonAtomic,
} from '@agent-forge/core';
import { z } from 'zod';
import type { BpeTokenizer, LoraAdapters, PhaseContext, TinyTitan } from '@agent-forge/core';
import { bakeAdapter } from './bake.js';
import {
  klReport,
  markerRates,
  measureLatency,
  type KlReport,
  type LatencyReport,
  type MarkerRates,
} from './evaluate.js';
import { encodePrompt } from './personas.js';
import type { BakingPhaseConfig } from './phase-config.js';
import { STOP_TOKENS, assertFitsContext, type BakeInputs } from './phase-steps.js';
import { sampleTrajectories, type SamplingSettings } from './trajectories.js';

/** One prompt the phase bakes into its own adapter. */
export interface BakeJob {
  /** Persona or tool name; names the adapter and its file. */
  readonly name: string;
  /** Which config map it came from; also named in the error when the prompt does not fit the context. */
  readonly kind: 'personas' | 'tools';
  /** The system prompt text u (may contain special tokens such as `<|persona_i|>`). */
  readonly prompt: string;
  /** Tools only: the text that shows the convention is used. */
  readonly marker?: string;
}

/** What one bake produced and measured, as reported by the phase. */
export interface BakeOutcome {
  /** The prompt that was baked. */
  readonly job: BakeJob;
  /** Length of the encoded prompt, i.e. tokens the baked model no longer has to process. */
  readonly promptTokens: number;
  /** Held-out KL to the prompted model, without and with the adapter. */
  readonly kl: KlReport;
  /** Prompted vs baked generation time; null when `latencyInputs` is 0. */
  readonly latency: LatencyReport | null;
  /** Tool-use rates; null for personas (jobs without a marker). */
  readonly markers: MarkerRates | null;
  /** Training steps completed. */
  readonly steps: number;
  /** Training loss of the last step: mean per-token KL on the training trajectories, nats. */
  readonly finalLoss: number;
  /** Step the bake's training continued from after an interruption (0 for a fresh bake). */
  readonly resumedFrom: number;
  /** True when the adapter came from an earlier, interrupted run of this phase. */
  readonly resumed: boolean;
  /** Path of the saved adapter (in the phase's work folder). */
  readonly adapterFile: string;
  /** Size of the adapter file on disk, bytes. */
  readonly adapterBytes: number;
  /** Wall time of the whole job (sampling, training, evaluation, saving), ms. */
  readonly bakeMs: number;
}

/** What every bake of one phase run shares. */
export interface BakeEnvironment {
  /** The input model with LoRA slots; its base weights stay frozen. */
  readonly model: TinyTitan;
  /** The model's named adapters; each bake adds one. */
  readonly adapters: LoraAdapters;
  /** The input model's tokenizer. */
  readonly tokenizer: BpeTokenizer;
  /** Inputs x for training and for the held-out report. */
  readonly inputs: BakeInputs;
  /** The validated phase config. */
  readonly config: BakingPhaseConfig;
  /** The phase context (tracker, rng, progress, abort signal). */
  readonly ctx: PhaseContext;
  /** Finished adapters land here as they are baked, so a resumed run skips them. */
  readonly workDir: string;
}

const TrainingRecordSchema = z.object({
  step: z.number().int().nonnegative(),
  finalLoss: z.number(),
  resumedFrom: z.number().int().nonnegative(),
});
type TrainingRecord = z.output<typeof TrainingRecordSchema>;

/** Sampling settings of the trajectories labelled `label` (its seed comes from the phase's stream). */
export function samplingFor(env: BakeEnvironment, label: string): SamplingSettings {
  const { config } = env;
  return {
    maxNewTokens: config.maxNewTokens,
    temperature: config.temperature,
    topK: config.topK,
    seed: env.ctx.rng.fork(label).int(0, 2 ** 30),
    stopTokens: STOP_TOKENS,
  };
}

/** Bakes `job.name` (or loads it when a previous run finished it) and leaves it in `env.adapters`. */
async function bakeOrResume(
  env: BakeEnvironment,
  job: BakeJob,
  promptIds: number[],
): Promise<TrainingRecord & { resumed: boolean; file: string }> {
  const file = path.join(env.workDir, `${job.name}${ADAPTER_EXTENSION}`);
  const recordFile = path.join(env.workDir, `${job.name}.training.json`);
  if (existsSync(file) && existsSync(recordFile)) {
    await loadAdapterFile(file, env.adapters);
    return {
      ...parseConfig(TrainingRecordSchema, await readJsonFile(recordFile), { file: recordFile }),
      resumed: true,
      file,
    };
  }
  const { model, adapters, config, ctx } = env;
  const trajectories = await sampleTrajectories(
    model,
    adapters,
    promptIds,
    env.inputs.train,
    samplingFor(env, `train:${job.name}`),
  );
  const { training } = await bakeAdapter(model, adapters, {
    name: job.name,
    promptIds,
    trajectories,
    shape: { rank: config.rank, alpha: config.alpha },
    seed: ctx.rng.fork(`adapter:${job.name}`).int(0, 2 ** 30),
    train: config,
    stateDir: path.join(ctx.phaseDir, 'train-state', job.name),
    tracker: ctx.tracker,
    progress: ctx.progress,
    signal: ctx.signal,
  });
  await saveAdapterFile(file, adapters, job.name, job.prompt);
  const record = { step: training.step, finalLoss: training.finalLoss, resumedFrom: training.resumedFrom };
  await writeJsonAtomic(recordFile, record);
  return { ...record, resumed: false, file };
}

/** Bakes one prompt and measures it; the adapter is removed from the model afterwards (its file stays). */
export async function runBakeJob(env: BakeEnvironment, job: BakeJob): Promise<BakeOutcome> {
  const started = performance.now();
  const { model, adapters, config } = env;
  const promptIds = encodePrompt(env.tokenizer, job.prompt, job.name);
  assertFitsContext(job.name, job.kind, promptIds.length, config, model.config.contextLength);
  const baked = await bakeOrResume(env, job, promptIds);
  try {
    const heldOutSampling = samplingFor(env, `held-out:${job.name}`);
    const heldOut = await sampleTrajectories(model, adapters, promptIds, env.inputs.heldOut, heldOutSampling);
    const kl = klReport(model, adapters, job.name, promptIds, heldOut, config.batchSize);
    const latency = await measureLatency(
      model,
      adapters,
      job.name,
      promptIds,
      env.inputs.heldOut.slice(0, config.latencyInputs),
      config.maxNewTokens,
    );
    const markers =
      job.marker === undefined
        ? null
        : await markerRates(model, adapters, job.name, env.tokenizer, heldOut, heldOutSampling, job.marker);
    return {
      job,
      promptTokens: promptIds.length,
      kl,
      latency,
      markers,
      steps: baked.step,
      finalLoss: baked.finalLoss,
      resumedFrom: baked.resumedFrom,
      resumed: baked.resumed,
      adapterFile: baked.file,
      adapterBytes: await bytesOnDisk(baked.file),
      bakeMs: performance.now() - started,
    };
  } finally {
    adapters.remove(job.name);
  }
}
