import { z } from 'zod';
import type { DatasetSource } from '../data/dataset.js';
import type { Rng } from '../rng/index.js';
import type { Tracker } from '../track/index.js';
import type { UnitExecutor } from '../units/executor.js';
import type { ProgressReporter } from './progress.js';

/** The eight phases, in pipeline order (docs/architecture.md §3). */
export const PHASE_NAMES = [
  'cognate',
  'evomerge',
  'quietstar',
  'bitnet',
  'forge-train',
  'baking',
  'edge',
  'compression',
] as const;
/** Validates a phase name: one of `PHASE_NAMES`. */
export const PhaseNameSchema = z.enum(PHASE_NAMES);
/** One of the eight phase names, e.g. `bitnet`. */
export type PhaseName = z.infer<typeof PhaseNameSchema>;

/** Validates a preset name: `tiny` (tests and CI, minutes), `small` (~2M params) or `paper` (25M params). */
export const PresetNameSchema = z.enum(['tiny', 'small', 'paper']);
/** A size preset: `tiny`, `small` or `paper`; it picks each phase's default model size and step counts. */
export type PresetName = z.infer<typeof PresetNameSchema>;

/** A checkpoint directory a phase produced. */
export const PhaseModelSchema = z.object({
  /** The checkpoint directory, as the phase wrote it (under its phase folder, e.g. `runs/<runId>/04-bitnet/model`). */
  dir: z.string().min(1),
  /** What the model is to the phase, e.g. `ternary`, `merged`, `baked`, or a cognate variant such as `reasoning`. */
  role: z.string().min(1),
  /** Parameter count of the model (a non-negative integer). */
  params: z.number().int().nonnegative(),
  /** Size of the checkpoint directory on disk, in bytes, all its files together. */
  bytes: z.number().int().nonnegative(),
});
/** A parsed model entry of a phase result: checkpoint `dir`, `role`, parameter count and size on disk in bytes. */
export type PhaseModel = z.infer<typeof PhaseModelSchema>;

/** What every phase hands to the next one, and what `result.json` holds. */
export const PhaseResultSchema = z.object({
  /** The phase that produced this result. */
  phase: PhaseNameSchema,
  /** Id of the run the phase ran in, e.g. `20261125-061500-a1b2`. */
  runId: z.string().min(1),
  /** When the phase started, as an ISO 8601 timestamp. */
  startedAt: z.string().min(1),
  /** Wall-clock time the phase took, in milliseconds. */
  durationMs: z.number().nonnegative(),
  /** The checkpoints the phase produced, in order; the next phase reads its input model from these. */
  models: z.array(PhaseModelSchema),
  /** Flat metric name → value, e.g. `accuracy`, `perplexityAfter`, or `<role>.<metric>` for multi-model phases. */
  metrics: z.record(z.string(), z.number()),
  /** Artifact name → file path of other outputs, e.g. `report` → the phase's `report.md`. */
  artifacts: z.record(z.string(), z.string()),
  /** The phase's validated config (defaults filled), as it ran; its shape depends on the phase. */
  config: z.unknown(),
});
/** A parsed `result.json`: the phase, its run, timing, the models it produced, metrics, artifacts and config. */
export type PhaseResult = z.infer<typeof PhaseResultSchema>;

/** Everything a phase may use from its surroundings. */
export interface PhaseContext {
  /** Id of the run, e.g. `20261125-061500-a1b2`. */
  readonly runId: string;
  /** `runs/<runId>/` */
  readonly runDir: string;
  /** `runs/<runId>/NN-<phase>/`: the phase writes its checkpoints and result here. */
  readonly phaseDir: string;
  /** The run's size preset; the phase's `presetDefaults` have already been applied to its config. */
  readonly preset: PresetName;
  /** The run's seed; prefer `rng`, which is already forked for this phase. */
  readonly seed: number;
  /** Seeded stream for this phase: `Rng.fromSeed(seed).fork(phase)`. */
  readonly rng: Rng;
  /** Name of the active tfjs backend, e.g. `wasm`. */
  readonly backend: string;
  /** Where the phase logs metrics, events and its config; owned and closed by the pipeline. */
  readonly tracker: Tracker;
  /** For progress bars and log lines; `silentProgress` in library use. */
  readonly progress: ProgressReporter;
  /** Aborted on Ctrl-C: stop at the next safe point, after a checkpoint. */
  readonly signal: AbortSignal;
  /** True when this phase started before and was interrupted: continue from its last checkpoint. */
  readonly resuming: boolean;
  /** Data given for the whole run (`forge run --data`): a phase that trains uses it over its own `data` setting. */
  readonly data?: DatasetSource;
  /** Runs the phase's independent work units (`runUnits`); default: in this process, one after another. */
  readonly units?: UnitExecutor;
}

/** One pipeline phase: a documented zod config schema and a `run`. */
export interface Phase<C = unknown> {
  /** Which pipeline slot the phase fills; also its tracker phase name and folder suffix. */
  readonly name: PhaseName;
  /** One line for `forge phases` and the docs. */
  readonly description: string;
  /** Validates and fills defaults; `presetDefaults` gives preset-specific starting values. */
  readonly configSchema: z.ZodType<C>;
  /** Config values for a preset, applied under the user's config; leave out when one set of defaults fits all presets. */
  readonly presetDefaults?: (preset: PresetName) => Record<string, unknown>;
  /**
   * `input` is the previous phase's result, or null for the first phase. Returns what only the phase
   * knows; the runner (`runPipeline`, or `runPhase` outside a pipeline) stamps the rest into a PhaseResult.
   */
  run(input: PhaseResult | null, config: C, ctx: PhaseContext): Promise<PhaseOutput>;
}

/**
 * What a phase's `run` returns: its models, metrics, report and other artifacts. The phase name, run id,
 * start time, duration, config and the report's path are stamped by the runner (see `runPhase`).
 */
export interface PhaseOutput {
  /** The checkpoints the phase produced, in order; the next phase reads its input model from these. */
  readonly models: PhaseModel[];
  /** Flat metric name → value, e.g. `accuracy`, `perplexityAfter`, or `<role>.<metric>` for multi-model phases. */
  readonly metrics: Record<string, number>;
  /** The phase's report as Markdown; the runner writes it to `<phaseDir>/report.md` and lists it as artifact `report`. */
  readonly report?: string;
  /** Artifact name → file path of the phase's other outputs, e.g. `packedWeights`. */
  readonly artifacts?: Record<string, string>;
}
