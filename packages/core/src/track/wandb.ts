import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerTrackerSink } from './tracker.js';
import type { TrackRecord, TrackerSink, TrackerSinkFactory } from './types.js';
import { WandbHistory } from './wandb-history.js';
import type { WandbHistoryRow } from './wandb-history.js';
import { WandbUploader } from './wandb-upload.js';

/** Options of `createWandbSink`; `wandbSinkFactory` fills them from the `WANDB_*` env vars. */
export interface WandbSinkOptions {
  /** Run directory; the offline copy goes to `<runDir>/wandb/`. */
  readonly runDir: string;
  /** Forge run id; it becomes the W&B run name (see `wandbRunName`). */
  readonly runId: string;
  /** Uploads to W&B when set (env `WANDB_API_KEY`); otherwise the run is only written offline. */
  readonly apiKey?: string;
  /** env `WANDB_BASE_URL`, default https://api.wandb.ai. */
  readonly baseUrl?: string;
  /** env `WANDB_PROJECT`, default `agent-forge`. */
  readonly project?: string;
  /** env `WANDB_ENTITY`; W&B picks the key's default entity when unset. */
  readonly entity?: string;
  /** HTTP client for uploads; default `globalThis.fetch` (tests pass a fake). */
  readonly fetch?: typeof fetch;
  /** How often buffered history rows are uploaded, in milliseconds; default 2000. */
  readonly flushIntervalMs?: number;
  /** Where upload problems are reported; they never fail the run. */
  readonly warn?: (message: string) => void;
  /** Clock in ms since the epoch, for the run's start stamp and `_runtime`; default `Date.now`. */
  readonly now?: () => number;
}

/** The local run directory format (see README): written whether or not the run is uploaded. */
export const WANDB_DIR = 'wandb';
/** Name of the history file (one JSON row per phase step) in the W&B run's `files/` directory. */
export const WANDB_HISTORY_FILE = 'wandb-history.jsonl';

const stampOf = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
/** W&B run names allow letters, digits, '-' and '_'. */
export const wandbRunName = (runId: string): string => runId.toLowerCase().replace(/[^a-z0-9_-]/g, '-');

/**
 * Weights & Biases sink. Always writes a local copy, `runs/<id>/wandb/<offline-run|run>-<stamp>-<id>/files/`
 * with `wandb-history.jsonl` (one row per phase step), `config.json`, `wandb-summary.json` and
 * `forge-events.jsonl`; with an API key it also streams the same rows to W&B over its HTTP API.
 * Nothing here can fail the run: network errors are warned about once and uploading stops.
 */
export function createWandbSink(options: WandbSinkOptions): TrackerSink {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const online = Boolean(options.apiKey);
  const filesDir = path.join(
    options.runDir,
    WANDB_DIR,
    `${online ? 'run' : 'offline-run'}-${stampOf(startedAt)}-${wandbRunName(options.runId)}`,
    'files',
  );
  mkdirSync(filesDir, { recursive: true });
  const history = new WandbHistory(startedAt);
  const config: Record<string, { value: unknown }> = {};
  const uploader = online
    ? new WandbUploader({ ...options, apiKey: options.apiKey ?? '', runName: wandbRunName(options.runId), startedAt })
    : undefined;
  const writeRows = (rows: WandbHistoryRow[]): void => {
    if (rows.length === 0) return;
    const lines = rows.map((row) => JSON.stringify(row));
    appendFileSync(path.join(filesDir, WANDB_HISTORY_FILE), `${lines.join('\n')}\n`);
    uploader?.history(lines);
  };
  return {
    name: 'wandb',
    write(record: TrackRecord) {
      writeRows(history.add(record));
      if (record.type === 'config') {
        config[record.phase] = { value: record.config };
        writeFileSync(path.join(filesDir, 'config.json'), JSON.stringify(config, null, 2));
        uploader?.config(config);
      } else if (record.type === 'event') {
        appendFileSync(path.join(filesDir, 'forge-events.jsonl'), `${JSON.stringify(record)}\n`);
      }
    },
    async close() {
      writeRows(history.flush());
      writeFileSync(path.join(filesDir, 'wandb-summary.json'), JSON.stringify(history.summary, null, 2));
      await uploader?.finish(history.summary);
    },
  };
}

/** The `wandb` sink: uploads when `WANDB_API_KEY` is set (and `WANDB_MODE` is not `offline`), always keeps an offline copy. */
export const wandbSinkFactory: TrackerSinkFactory = {
  name: 'wandb',
  description: 'Weights & Biases: uploads when WANDB_API_KEY is set, else an offline copy in runs/<runId>/wandb/',
  create: ({ runDir, runId }) =>
    createWandbSink({
      runDir,
      runId,
      apiKey: process.env.WANDB_MODE === 'offline' ? undefined : process.env.WANDB_API_KEY || undefined,
      baseUrl: process.env.WANDB_BASE_URL,
      project: process.env.WANDB_PROJECT,
      entity: process.env.WANDB_ENTITY,
    }),
};

registerTrackerSink(wandbSinkFactory);
