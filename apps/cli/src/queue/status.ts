/** The queue as `forge info --queue` shows it: workers connected and units by state. */
import { ForgeError } from '@agent-forge/core';
import { Queue } from 'bullmq';
import { UNIT_QUEUE, displayUrl, redisOptions } from './connection.js';

/** Counts of one moment of the unit queue. */
export interface QueueStatus {
  /** The queue URL, password hidden. */
  readonly url: string;
  /** `forge worker` processes connected now. */
  readonly workers: number;
  /** Units waiting for a worker (including those delayed before a retry). */
  readonly waiting: number;
  /** Units a worker is running. */
  readonly active: number;
  /** Units that used up their attempts (kept a day). */
  readonly failed: number;
  /** Units finished within the last hour. */
  readonly completed: number;
}

/** Reads the queue's counts; an unreachable Redis is a ForgeError naming `--queue`. */
export async function queueStatus(url: string, timeoutMs = 5000): Promise<QueueStatus> {
  const queue = new Queue(UNIT_QUEUE, { connection: { ...redisOptions(url), enableOfflineQueue: false } });
  queue.on('error', () => undefined);
  try {
    await withTimeout(queue.waitUntilReady(), timeoutMs);
    const [workers, counts] = await Promise.all([
      queue.getWorkersCount(),
      queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed', 'completed'),
    ]);
    const count = (name: string): number => counts[name] ?? 0;
    return {
      url: displayUrl(url),
      workers,
      waiting: count('waiting') + count('prioritized') + count('delayed'),
      active: count('active'),
      failed: count('failed'),
      completed: count('completed'),
    };
  } catch (error) {
    throw new ForgeError(`cannot reach the queue at ${displayUrl(url)}: ${(error as Error).message}`, {
      field: '--queue',
      cause: error,
    });
  } finally {
    await queue.close().catch(() => undefined);
  }
}

/** `promise`, or a rejection after `ms`: an unreachable Redis would otherwise be retried forever. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
