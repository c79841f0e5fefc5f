import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { datasetSourceSchema } from '../data/dataset.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { readJsonFileSync } from '../io/read-json.js';
import { parseConfig } from './config.js';
import { PHASE_NAMES, PhaseNameSchema, PhaseResultSchema, PresetNameSchema } from './types.js';
import type { PhaseName, PhaseResult } from './types.js';

/** File name of the pipeline state in a run directory (`runs/<id>/pipeline.json`). */
export const PIPELINE_FILE = 'pipeline.json';
/** File name of a phase result in a phase or checkpoint directory. */
export const RESULT_FILE = 'result.json';

/** Validates a phase status. */
export const PhaseStatusSchema = z.enum(['pending', 'running', 'done', 'failed', 'interrupted']);
/**
 * Where a phase stands: `pending`, `running` (also what a crash leaves), `done`, `failed`, or `interrupted`
 * (stopped by Ctrl-C, or done but its checkpoints changed since); a resume reruns every status but `done`.
 */
export type PhaseStatus = z.infer<typeof PhaseStatusSchema>;

/** Validates one phase's entry in `pipeline.json`. */
export const PhaseStateSchema = z.object({
  /** The phase this entry is for; entries are in pipeline order. */
  name: PhaseNameSchema,
  /** Relative to the run directory, e.g. `04-bitnet`. */
  dir: z.string(),
  /** Where the phase stands; a resume reruns every status but `done`. */
  status: PhaseStatusSchema,
  /** ISO 8601 time the phase last started running (reset on every rerun); absent while `pending`. */
  startedAt: z.string().optional(),
  /** ISO 8601 time the phase finished; set only once it is `done`. */
  finishedAt: z.string().optional(),
  /** The phase's result once it is `done` (also in its `result.json`); dropped when the phase must run again. */
  result: PhaseResultSchema.optional(),
  /** sha256 of every file of each model directory in `result`, keyed by the model's `dir`. */
  hashes: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  /** Message of the error that failed or interrupted the phase; cleared when it runs again. */
  error: z.string().optional(),
});
/** One phase's entry in `pipeline.json`: its folder, status, timestamps, result, model hashes and last error. */
export type PhaseState = z.infer<typeof PhaseStateSchema>;

/** `runs/<runId>/pipeline.json`: everything a resume needs. */
export const PipelineStateSchema = z.object({
  /** Format version of `pipeline.json`; always 1. */
  version: z.literal(1),
  /** Id of the run, also its folder name under the runs directory, e.g. `20261125-061500-a1b2`. */
  runId: z.string(),
  /** ISO 8601 time the run was created. */
  createdAt: z.string(),
  /** ISO 8601 time of the last write; stamped on every save. */
  updatedAt: z.string(),
  /** The run's size preset; a resume keeps it. */
  preset: PresetNameSchema,
  /** The run's integer seed, from which every phase's rng and the data split derive; a resume keeps it. */
  seed: z.number().int(),
  /** The per-phase configs as given (before defaults), so a resume validates them the same way. */
  phaseConfigs: z.record(z.string(), z.unknown()),
  /** Data for the whole run (`--data`), kept so a resume trains on the same data. */
  data: datasetSourceSchema.optional(),
  /** Result the first phase was given (`forge phase --input`), or null. */
  input: PhaseResultSchema.nullable(),
  /** One entry per phase of the pipeline, in run order. */
  phases: z.array(PhaseStateSchema),
});
/** A parsed `pipeline.json`: the run's preset, seed, configs, data and per-phase states. */
export type PipelineState = z.infer<typeof PipelineStateSchema>;

/** `01-cognate` … `08-compression`: fixed numbering so a phase's folder never depends on which ran. */
export function phaseDirName(name: PhaseName): string {
  return `${String(PHASE_NAMES.indexOf(name) + 1).padStart(2, '0')}-${name}`;
}

/** A sortable, unique run id: `20261125-061500-a1b2`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Read and validate `runs/<id>/pipeline.json`; a missing or malformed file is a ForgeError. */
export function readPipelineState(runDir: string): PipelineState {
  const file = path.join(runDir, PIPELINE_FILE);
  const raw = readJsonFileSync(file, { missing: `no run here: ${PIPELINE_FILE} is missing` });
  return parseConfig(PipelineStateSchema, raw, { file });
}

/** Write `pipeline.json` atomically, stamping `updatedAt` with the current time. */
export async function writePipelineState(runDir: string, state: PipelineState): Promise<void> {
  await writeJsonAtomic(path.join(runDir, PIPELINE_FILE), { ...state, updatedAt: new Date().toISOString() });
}

/** Read a phase's `result.json` from a phase folder or a checkpoint folder. */
export function readPhaseResult(dir: string): PhaseResult {
  const file = path.join(dir, RESULT_FILE);
  const raw = readJsonFileSync(file, { missing: `no ${RESULT_FILE}: is this a phase or checkpoint directory?` });
  return parseConfig(PhaseResultSchema, raw, { file });
}
