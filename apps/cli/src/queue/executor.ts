/**
 * The BullMQ executor (`forge run --queue redis://…`): a phase's pending units become jobs on the
 * shared queue, `forge worker`s anywhere take them, and this waits for each to finish through BullMQ's
 * queue events. Retries (`attempts`), stalled-job detection and re-delivery are BullMQ's own.
 */
import { ForgeError } from '@agent-forge/core';
import type { UnitExecution, UnitExecutor, WorkUnit } from '@agent-forge/core';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { UNIT_QUEUE, displayUrl, redisOptions } from './connection.js';
import { jobIdOf, type UnitJobData } from './job-data.js';
import { recordRunQueue } from './run-record.js';
import { withTimeout } from './status.js';

/** How units are queued. */
export interface QueueExecutorOptions {
  /** `redis://host:port` of the queue. */
  readonly url: string;
  /** Times a unit is tried before the run fails (BullMQ `attempts`); a stalled delivery is not an attempt. */
  readonly attempts: number;
}

/** A BullMQ executor and the connections to close when the run ends. */
export interface QueueExecutor extends UnitExecutor {
  /** Closes the queue and its event stream. */
  close(): Promise<void>;
}

/** Connects to the queue at `options.url`; fails with a ForgeError naming `--queue` when Redis is not there. */
export async function openQueueExecutor(options: QueueExecutorOptions): Promise<QueueExecutor> {
  const connection = redisOptions(options.url);
  const queue = new Queue<UnitJobData>(UNIT_QUEUE, { connection });
  const events = new QueueEvents(UNIT_QUEUE, { connection });
  try {
    await withTimeout(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), 10_000);
  } catch (error) {
    await Promise.allSettled([queue.close(), events.close()]);
    throw new ForgeError(`cannot reach the queue at ${displayUrl(options.url)}: ${(error as Error).message}`, {
      field: '--queue',
      cause: error,
    });
  }
  // The run directory learns it used this queue (for the dashboard) before its first units are sent.
  const recorded = new Set<string>();
  return {
    name: `bullmq ${displayUrl(options.url)}`,
    execute: async (units, execution) => {
      if (units.length > 0 && !recorded.has(execution.runDir)) {
        await recordRunQueue(execution.runDir, options.url);
        recorded.add(execution.runDir);
      }
      await executeOnQueue(queue, events, options.attempts, units, execution);
    },
    close: async () => {
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
}

async function submit(queue: Queue<UnitJobData>, attempts: number, runDir: string, unit: WorkUnit): Promise<Job> {
  const jobId = jobIdOf(runDir, unit);
  // A job left finished by an earlier attempt at this run (its output since lost, or it failed) is
  // cleared so the unit runs again; a waiting or running one is kept and waited for.
  const old = await queue.getJob(jobId);
  if (old && ((await old.isFailed()) || (await old.isCompleted()))) await old.remove();
  return queue.add(
    unit.kind,
    { runDir, unit },
    {
      jobId,
      attempts,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 1000 },
    },
  );
}

async function executeOnQueue(
  queue: Queue<UnitJobData>,
  events: QueueEvents,
  attempts: number,
  units: readonly WorkUnit[],
  execution: UnitExecution,
): Promise<void> {
  const jobs = await Promise.all(units.map((unit) => submit(queue, attempts, execution.runDir, unit)));
  const finished = Promise.all(
    jobs.map(async (job, index) => {
      const unit = units[index] as WorkUnit;
      try {
        await job.waitUntilFinished(events);
      } catch (error) {
        throw new ForgeError(
          `unit '${unit.id}' failed on the queue: ${(error as Error).message} (tried up to ${attempts} time(s); bad input is not retried)`,
        );
      }
      execution.onFinished(unit);
    }),
  );
  await untilAborted(finished, execution.signal, async () => {
    // Units nobody has taken yet are withdrawn; running ones finish on their workers, and their
    // output files make a resumed run skip them.
    await Promise.allSettled(jobs.map(async (job) => ((await job.isWaiting()) ? job.remove() : undefined)));
  });
}

/** `work`, unless `signal` aborts first: then `onAbort` runs and an interruption error is thrown. */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => Promise<void>): Promise<T> {
  if (signal.aborted) {
    await onAbort();
    throw new ForgeError('interrupted while waiting for queued units');
  }
  let listener: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    listener = () => {
      void onAbort().finally(() => reject(new ForgeError('interrupted while waiting for queued units')));
    };
    signal.addEventListener('abort', listener, { once: true });
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (listener) signal.removeEventListener('abort', listener);
  }
}
