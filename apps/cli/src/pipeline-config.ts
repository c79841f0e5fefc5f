import { existsSync, readFileSync } from 'node:fs';
import { ForgeError, PresetNameSchema, datasetSourceSchema, parseConfig } from '@agent-forge/core';
import { ControlSettingsSchema } from './control/settings.js';
import { EffectSettingsSchema } from './effects/settings.js';
import { QueueUrlSchema } from './queue/connection.js';
import { YAML } from './yaml.js';
import { z } from 'zod';

/** Zod schema of the `backend` setting / `--backend` flag: `auto` or one concrete tfjs backend. */
export const BackendChoiceSchema = z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
/**
 * An engine backend to start: `auto` tries tfjs-node-gpu → tfjs-node → wasm → cpu (and honours
 * `FORGE_BACKEND`); `tensorflow-gpu` and `tensorflow` need their optional tfjs-node packages installed.
 */
export type BackendChoice = z.infer<typeof BackendChoiceSchema>;

/** What `forge run` reads from `--config forge.yaml` and flags. Unknown keys are errors, not silence. */
export const PipelineConfigSchema = z
  .object({
    /** Scale of every model in the run: tiny (tests, CI), small (~2M params), paper (25M). */
    preset: PresetNameSchema.default('tiny'),
    /** Seed for every random choice in the run. */
    seed: z.number().int().default(42),
    /** Engine backend; `auto` picks tfjs-node-gpu → tfjs-node → wasm → cpu. */
    backend: BackendChoiceSchema.default('auto'),
    /** wasm threads; default: one per core. */
    threads: z.number().int().positive().optional(),
    /** Where runs live: `<runsDir>/<runId>/`. */
    runsDir: z.string().min(1).default('runs'),
    /** Where metrics go during the run; default: only the run store. */
    tracking: z
      .object({
        /** Registered tracker sink names, e.g. `run-store` (metrics in the run directory) or `tensorboard`; at least one. */
        sinks: z.array(z.string()).min(1).default(['run-store']),
      })
      .strict()
      .default({ sinks: ['run-store'] }),
    /** Data for every phase that trains: a file path (format detected) or a data source; default: built-in problems. */
    data: z.union([z.string().min(1), datasetSourceSchema]).optional(),
    /** BullMQ queue (`redis://host:port`) the phases' independent units go to, for `forge worker`s; default: none, units run in this process. */
    queue: QueueUrlSchema.optional(),
    /** Times a queued unit is tried before the run fails (BullMQ attempts; a unit whose worker died is re-delivered without using one). */
    queueAttempts: z.number().int().positive().default(3),
    /** Per-phase settings, each validated by that phase's own schema. */
    phases: z.record(z.string(), z.unknown()).default({}),
    /** After the run, every phase's models measured on one held-out set (`effects.json`, printed after the summary). */
    effects: EffectSettingsSchema.default(() => EffectSettingsSchema.parse({})),
    /** After the run, a plain model trained for the pipeline's training compute, measured beside the final model. */
    control: ControlSettingsSchema.default(() => ControlSettingsSchema.parse({})),
  })
  .strict();
/** A validated `forge run` config with defaults filled in (preset `tiny`, seed 42, backend `auto`, runsDir `runs`); phase settings are still unvalidated. */
export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;

/** Read a YAML (or JSON) config file; a syntax error names the file and line. */
export function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ForgeError('config file not found', { file });
  const text = readFileSync(file, 'utf8');
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    throw new ForgeError(`not valid YAML: ${first.message.split('\n')[0] ?? ''}`, {
      file,
      line: first.linePos?.[0]?.line,
    });
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ForgeError('expected a mapping of settings at the top level', { file });
  return value as Record<string, unknown>;
}

/** Apply `--set a.b.c=value` overrides; the value is parsed as a YAML scalar (numbers, booleans, lists). */
export function applyOverrides(config: Record<string, unknown>, overrides: readonly string[]): Record<string, unknown> {
  const out = structuredClone(config);
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new ForgeError(`--set expects key=value, got '${override}'`);
    const keys = override.slice(0, eq).split('.');
    let node: Record<string, unknown> = out;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1] as string] = YAML.parse(override.slice(eq + 1)) as unknown;
  }
  return out;
}

/** Where a pipeline config comes from, in rising precedence. */
export interface ConfigSources {
  /** A YAML or JSON config file (`--config`). */
  file?: string;
  /** Values of the top-level flags; undefined ones are left out. */
  flags: Partial<Record<'preset' | 'seed' | 'backend' | 'threads' | 'runsDir' | 'data' | 'queue', unknown>>;
  /** `--set key=value` overrides, each value read as YAML. */
  overrides?: readonly string[];
}

/** File, then flags, then `--set` overrides; validated as a whole, errors name the field (and file). */
export function loadPipelineConfig(sources: ConfigSources): PipelineConfig {
  const fromFile = sources.file ? readConfigFile(sources.file) : {};
  const flags = Object.fromEntries(Object.entries(sources.flags).filter(([, v]) => v !== undefined));
  const merged = applyOverrides({ ...fromFile, ...flags }, sources.overrides ?? []);
  return parseConfig(PipelineConfigSchema, merged, { file: sources.file });
}
