/**
 * `queue.json` in a run directory: written when the run first sends units to a queue, so the dashboard
 * knows the run used one and where it is. The password is never written (the run directory may be
 * shared); a dashboard for a queue behind a password is given the full URL (`forge dashboard --queue`).
 */
import path from 'node:path';
import { parseConfig, readJsonFileSync, writeJsonAtomic } from '@agent-forge/core';
import { z } from 'zod';
import { UNIT_QUEUE, displayUrl } from './connection.js';

/** File name of the queue record in a run directory. */
export const RUN_QUEUE_FILE = 'queue.json';

/** Validates `queue.json`. */
export const RunQueueRecordSchema = z
  .object({
    /** The queue's address, password hidden (`redis://***@host:port`). */
    url: z.string().min(1),
    /** The BullMQ queue's name. */
    queue: z.string().min(1),
    /** ISO 8601 time units were first sent. */
    since: z.string(),
  })
  .strict();
/** A parsed `queue.json`: which queue a run's units went to. */
export type RunQueueRecord = z.infer<typeof RunQueueRecordSchema>;

/** Writes `queue.json` (atomically) unless it already names this queue; returns the record. */
export async function recordRunQueue(runDir: string, url: string): Promise<RunQueueRecord> {
  const known = readRunQueue(runDir);
  if (known && known.url === displayUrl(url) && known.queue === UNIT_QUEUE) return known;
  const record: RunQueueRecord = { url: displayUrl(url), queue: UNIT_QUEUE, since: new Date().toISOString() };
  await writeJsonAtomic(path.join(runDir, RUN_QUEUE_FILE), record);
  return record;
}

/** The run's `queue.json`, or undefined when its units never went to a queue. */
export function readRunQueue(runDir: string): RunQueueRecord | undefined {
  const file = path.join(runDir, RUN_QUEUE_FILE);
  const raw = readJsonFileSync(file, { required: false });
  return raw === undefined ? undefined : parseConfig(RunQueueRecordSchema, raw, { file });
}
