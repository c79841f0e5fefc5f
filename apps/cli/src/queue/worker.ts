/**
 * `forge worker`: takes units off the queue one at a time and runs them with the registered unit
 * kinds. BullMQ keeps a lock on the running unit; if this process dies (SIGKILL, power), the lock
 * lapses and another worker's stalled-job check hands the unit to someone else.
 */
import { executeUnit, isForgeError, readUnitOutput } from '@agent-forge/core';
import type { ProgressReporter } from '@agent-forge/core';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { UNIT_QUEUE, displayUrl, redisOptions } from './connection.js';
import { parseJobData, type UnitJobData } from './job-data.js';

/** How a worker takes and holds units. */
export interface QueueWorkerOptions {
  /** `redis://host:port` of the queue. */
  readonly url: string;
  /** The tfjs backend this process started, handed to units. */
  readonly backend: string;
  /** How long a unit's lock lasts without renewal, ms (BullMQ `lockDuration`; renewed every half of it). */
  readonly lockMs: number;
  /** How often this worker looks for units whose worker died, ms (BullMQ `stalledInterval`). */
  readonly stallCheckMs: number;
  /** Progress of a unit's own work. */
  readonly progress: ProgressReporter;
  /** One line per unit started, finished or failed. */
  readonly print: (line: string) => void;
  /** Resolves when the worker should stop; `force` is false for "finish the current unit first". */
  readonly stopRequests: (onStop: (force: boolean) => void) => void;
}

/** What a worker did before it stopped. */
export interface WorkerSummary {
  /** Units it finished. */
  readonly finished: number;
  /** Attempts that threw (BullMQ retried them while attempts were left). */
  readonly failed: number;
}

async function processUnit(job: Job<UnitJobData>, options: QueueWorkerOptions, signal: AbortSignal): Promise<void> {
  const { runDir, unit } = parseJobData(job.data, job.id);
  // A unit re-delivered after its first worker finished it but died before reporting: nothing to redo.
  if ((await readUnitOutput(runDir, unit)) !== undefined) return;
  try {
    await executeUnit(unit, { runDir, progress: options.progress, signal, backend: options.backend });
  } catch (error) {
    // Bad input (a missing file, a wrong setting) fails the same way on every attempt: BullMQ is told
    // not to retry it. Anything else may be passing (a full disk, memory) and is retried.
    if (isForgeError(error)) throw new UnrecoverableError(error.message);
    throw error;
  }
}

/** Runs a worker until a stop request; the first finishes the current unit, the second releases it. */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<WorkerSummary> {
  const controller = new AbortController();
  const counts = { finished: 0, failed: 0 };
  const started = new Map<string, number>();
  const worker = new Worker<UnitJobData>(UNIT_QUEUE, (job) => processUnit(job, options, controller.signal), {
    connection: redisOptions(options.url),
    concurrency: 1,
    lockDuration: options.lockMs,
    stalledInterval: options.stallCheckMs,
    maxStalledCount: 2,
    autorun: false,
  });
  const name = (job: Job<UnitJobData>): string => job.data.unit?.id ?? String(job.id);
  worker.on('active', (job) => {
    started.set(String(job.id), performance.now());
    options.print(`unit ${name(job)} started (attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1})`);
  });
  worker.on('completed', (job) => {
    counts.finished += 1;
    const seconds = (performance.now() - (started.get(String(job.id)) ?? performance.now())) / 1000;
    options.print(`unit ${name(job)} finished in ${seconds.toFixed(1)} s (${counts.finished} done)`);
  });
  worker.on('failed', (job, error) => {
    counts.failed += 1;
    options.print(`unit ${job ? name(job) : '?'} failed: ${error.message}`);
  });
  worker.on('error', (error) => options.print(`queue error: ${error.message}`));
  options.stopRequests((force) => {
    if (force) controller.abort();
    options.print(
      force
        ? 'stopping now: the current unit is released and goes to another worker once its lock lapses'
        : 'stopping after the current unit (Ctrl-C again to release it now)',
    );
    void worker.close(force);
  });
  options.print(`worker waiting for units on ${displayUrl(options.url)} (queue ${UNIT_QUEUE})`);
  await worker.run();
  await worker.close();
  return counts;
}
