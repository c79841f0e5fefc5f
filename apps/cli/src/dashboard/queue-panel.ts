/**
 * The dashboard's queue panel: for a run whose units went to a queue (`queue.json`), the queue's
 * workers and units by state, read as `forge info --queue` reads them (`queueStatus`).
 */
import path from 'node:path';
import { ForgeError, isForgeError } from '@agent-forge/core';
import { readRunQueue } from '../queue/run-record.js';
import { queueStatus, type QueueStatus } from '../queue/status.js';
import { SAFE_RUN_ID } from './run-data.js';

/** What the panel shows: the queue's counts, or why they could not be read. */
export interface QueuePanel {
  /** The queue the run recorded, password hidden. */
  readonly url: string;
  /** Workers connected and units waiting, running, failed and finished (the last hour), when reachable. */
  readonly status?: QueueStatus;
  /** Why the queue could not be read (unreachable, or a password the dashboard was not given). */
  readonly error?: string;
}

/**
 * The panel of run `runId`, or null when the run used no queue. `queueUrl` (`forge dashboard --queue`)
 * is used instead of the recorded address, which has no password; an unreachable queue is an `error`
 * after `timeoutMs`.
 */
export async function readQueuePanel(
  runsDir: string,
  runId: string,
  queueUrl?: string,
  timeoutMs = 5000,
): Promise<QueuePanel | null> {
  if (!SAFE_RUN_ID.test(runId)) throw new ForgeError(`not a run id: '${runId}'`);
  const record = readRunQueue(path.join(runsDir, runId));
  if (record === undefined) return null;
  try {
    const status = await queueStatus(queueUrl ?? record.url, timeoutMs);
    return { url: record.url, status };
  } catch (error) {
    if (!isForgeError(error)) throw error;
    const hint =
      queueUrl === undefined && record.url.includes('***@')
        ? ' (the run recorded no password: start the dashboard with --queue <url>)'
        : '';
    return { url: record.url, error: error.message + hint };
  }
}
