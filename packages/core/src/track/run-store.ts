import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../errors.js';
import type { TrackRecord, TrackerSink, TrackerSinkFactory } from './types.js';

/** File name of the run store inside a run directory (`runs/<id>/track.jsonl`). */
export const RUN_STORE_FILE = 'track.jsonl';

/**
 * The default sink: one JSONL file per run (`runs/<id>/track.jsonl`) holding metrics, events and
 * configs in the order they happened. Appends synchronously so a crash loses at most the line
 * being written, and a resumed run keeps appending to the same history.
 */
export function createRunStoreSink(runDir: string): TrackerSink {
  mkdirSync(runDir, { recursive: true });
  const file = path.join(runDir, RUN_STORE_FILE);
  return {
    name: 'run-store',
    write(record) {
      appendFileSync(file, `${JSON.stringify(record)}\n`);
    },
    async close() {
      // appendFileSync has already written everything.
    },
  };
}

/** The `run-store` sink: the default, registered from the start; writes `track.jsonl`. */
export const runStoreSinkFactory: TrackerSinkFactory = {
  name: 'run-store',
  description: 'JSONL per run in runs/<runId>/track.jsonl (default)',
  create: ({ runDir }) => createRunStoreSink(runDir),
};

/** Read back a run store; a torn last line (crash mid-write) is ignored, any other bad line is an error. */
export function readRunStore(runDir: string): TrackRecord[] {
  const file = path.join(runDir, RUN_STORE_FILE);
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const records: TrackRecord[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as TrackRecord);
    } catch (cause) {
      const isLast = lines.slice(index + 1).every((rest) => rest.trim() === '');
      if (!isLast) throw new ForgeError('not valid JSON', { file, line: index + 1, cause });
    }
  });
  return records;
}

/** The series of one metric in one phase, as [step, value] pairs in step order. */
export function metricSeries(records: readonly TrackRecord[], phase: string, name: string): Array<[number, number]> {
  return records
    .filter(
      (r): r is Extract<TrackRecord, { type: 'metric' }> => r.type === 'metric' && r.phase === phase && r.name === name,
    )
    .map((r): [number, number] => [r.step, r.value])
    .sort((a, b) => a[0] - b[0]);
}
