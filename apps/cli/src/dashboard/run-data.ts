import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  ForgeError,
  PIPELINE_FILE,
  RUN_STORE_FILE,
  alertsInRunStore,
  detectPhaseAlerts,
  readJsonFileSync,
  readPipelineState,
  readRunStore,
} from '@agent-forge/core';
import type { PhaseAlert, PipelineState, TrackRecord } from '@agent-forge/core';
import { EFFECTS_FILE } from '../effects/index.js';
import type { PipelineEffects } from '../effects/index.js';

/** One row of the run list. */
export interface RunSummary {
  readonly runId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly preset: string;
  readonly live: boolean;
  readonly phases: ReadonlyArray<{ readonly name: string; readonly status: string }>;
}

export interface PhaseView {
  readonly name: string;
  readonly status: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  readonly error?: string;
  readonly metrics: Record<string, number>;
  readonly models: ReadonlyArray<{ readonly role: string; readonly params: number; readonly bytes: number }>;
}

/** One tracked metric of one phase: [step, value] pairs in step order. */
export interface SeriesView {
  readonly phase: string;
  readonly name: string;
  readonly points: Array<[number, number]>;
}

/** Everything the page draws for one run, from pipeline.json and the run store. */
export interface RunView extends RunSummary {
  readonly seed: number;
  readonly phaseViews: readonly PhaseView[];
  readonly series: readonly SeriesView[];
  readonly alerts: readonly PhaseAlert[];
  readonly events: ReadonlyArray<{ readonly time: string; readonly phase?: string; readonly event: string }>;
  /** `effects.json` when `forge run` measured the phases' models; absent before that (or with `--no-effects`). */
  readonly effects?: PipelineEffects;
}

/** Run ids are directory names made by `newRunId` or given by the user; nothing that could leave the runs dir. */
export const SAFE_RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function listRuns(runsDir: string): RunSummary[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((id) => SAFE_RUN_ID.test(id) && existsSync(path.join(runsDir, id, PIPELINE_FILE)))
    .flatMap((id) => {
      try {
        return [summarize(readPipelineState(path.join(runsDir, id)))];
      } catch {
        return []; // a run being created or a foreign folder; the list shows the readable ones
      }
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

function summarize(state: PipelineState): RunSummary {
  return {
    runId: state.runId,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    preset: state.preset,
    live: state.phases.some((p) => p.status === 'running'),
    phases: state.phases.map((p) => ({ name: p.name, status: p.status })),
  };
}

/** Parsed run stores by file, reused while the file is unchanged: the page polls every few seconds. */
const storeCache = new Map<string, { size: number; mtimeMs: number; records: TrackRecord[] }>();

function cachedRunStore(runDir: string): TrackRecord[] {
  const file = path.join(runDir, RUN_STORE_FILE);
  if (!existsSync(file)) return [];
  const { size, mtimeMs } = statSync(file);
  const cached = storeCache.get(file);
  if (cached && cached.size === size && cached.mtimeMs === mtimeMs) return cached.records;
  const records = readRunStore(runDir);
  storeCache.set(file, { size, mtimeMs, records });
  return records;
}

export function readRunView(runsDir: string, runId: string): RunView {
  if (!SAFE_RUN_ID.test(runId)) throw new ForgeError(`not a run id: '${runId}'`);
  const runDir = path.join(runsDir, runId);
  const state = readPipelineState(runDir);
  const records = cachedRunStore(runDir);
  const phaseViews = state.phases.map(
    (p): PhaseView => ({
      name: p.name,
      status: p.status,
      startedAt: p.startedAt,
      finishedAt: p.finishedAt,
      durationMs: p.result?.durationMs,
      error: p.error,
      metrics: p.result?.metrics ?? {},
      models: (p.result?.models ?? []).map(({ role, params, bytes }) => ({ role, params, bytes })),
    }),
  );
  const done = state.phases.flatMap((p) => (p.status === 'done' && p.result ? [p.result] : []));
  const logged = alertsInRunStore(records);
  const seen = new Set(logged.map((a) => a.message));
  const alerts = [...logged, ...detectPhaseAlerts(done).filter((a) => !seen.has(a.message))];
  const events = records.flatMap((r) =>
    r.type === 'event' && r.event !== 'checkpoint' ? [{ time: r.time, phase: r.phase, event: r.event }] : [],
  );
  return {
    ...summarize(state),
    seed: state.seed,
    phaseViews,
    series: seriesOf(records),
    alerts,
    events: events.slice(-100),
    ...readEffects(runDir),
  };
}

/** The run's effects.json, checked only as far as the page relies on it: a held-out summary and rows. */
function readEffects(runDir: string): { effects?: PipelineEffects } {
  const file = path.join(runDir, EFFECTS_FILE);
  const effects = readJsonFileSync(file, { required: false }) as Partial<PipelineEffects> | undefined;
  if (effects === undefined) return {};
  if (!Array.isArray(effects.rows) || typeof effects.heldOut !== 'object' || effects.heldOut === null)
    throw new ForgeError(`${file}: expected { heldOut, rows: [...] } as \`forge run\` writes it`, { file });
  return { effects: effects as PipelineEffects };
}

/** Group metric records by (phase, name); a resumed phase re-logs steps, so the latest value of a step wins. */
export function seriesOf(records: readonly TrackRecord[]): SeriesView[] {
  const byKey = new Map<string, { phase: string; name: string; steps: Map<number, number> }>();
  for (const record of records) {
    if (record.type !== 'metric') continue;
    const key = `${record.phase}\u0000${record.name}`;
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { phase: record.phase, name: record.name, steps: new Map() }));
    entry.steps.set(record.step, record.value);
  }
  return [...byKey.values()].map(({ phase, name, steps }) => ({
    phase,
    name,
    points: [...steps.entries()].sort((a, b) => a[0] - b[0]),
  }));
}
