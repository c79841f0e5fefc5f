/**
 * `forge worker`: takes units off the queue one at a time and runs them with the registered unit
 * kinds. BullMQ keeps a lock on the running unit; if this process dies (SIGKILL, power), the lock
 * lapses and another worker's stalled-job check hands the unit to someone else.
 */
import { executeUnit, isForgeError, readUnitOutput } from '@agent-forge/core';
import type { ProgressReporter } from '@agent-forge/core';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
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

/** How often the event loop's pauses are sampled, ms. */
const LOOP_RESOLUTION_MS = 20;

/**
 * The longest the event loop was held during the current unit: BullMQ renews the unit's lock from that
 * loop, so a stretch over half of `lockMs` risks the unit being taken for stalled (see `loopHeldNote`).
 * Measured by a timer that notes how late it fires: Node's monitorEventLoopDelay, tried first, did not
 * report a 1 s synchronous stretch (Node 20).
 */
class LoopWatch {
  /** Seconds, by job id, of the units finished or failed and not yet reported. */
  readonly held = new Map<string, number>();
  private longest = 0;
  private last = performance.now();
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.last = performance.now();
    this.timer = setInterval(() => this.sample(), LOOP_RESOLUTION_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Starts a new stretch (a unit begins). */
  reset(): void {
    this.last = performance.now();
    this.longest = 0;
  }

  /** The longest time the loop was held since `reset`, seconds; samples once more first. */
  async longestSeconds(): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.sample();
    return this.longest / 1000;
  }

  private sample(): void {
    const now = performance.now();
    this.longest = Math.max(this.longest, now - this.last - LOOP_RESOLUTION_MS);
    this.last = now;
  }
}

async function processUnit(
  job: Job<UnitJobData>,
  token: string | undefined,
  options: QueueWorkerOptions,
  signal: AbortSignal,
  loop: LoopWatch,
): Promise<void> {
  loop.reset();
  try {
    await runJobUnit(job, token, options, signal);
  } finally {
    loop.held.set(String(job.id), await loop.longestSeconds());
  }
}

async function runJobUnit(
  job: Job<UnitJobData>,
  token: string | undefined,
  options: QueueWorkerOptions,
  signal: AbortSignal,
): Promise<void> {
  const { runDir, unit } = parseJobData(job.data, job.id);
  // A unit re-delivered after its first worker finished it but died before reporting: nothing to redo.
  if ((await readUnitOutput(runDir, unit)) !== undefined) return;
  try {
    await executeUnit(unit, { runDir, progress: options.progress, signal, backend: options.backend });
  } catch (error) {
    // Stopped by a second Ctrl-C (the unit's "interrupted" error is no fault of the unit): back to
    // the queue at once, for another worker, without using an attempt (BullMQ's WaitingError).
    if (signal.aborted && token !== undefined) {
      await job.moveToWait(token);
      options.print(`unit ${unit.id} stopped and returned to the queue`);
      throw new WaitingError();
    }
    // Bad input (a missing file, a wrong setting) fails the same way on every attempt: BullMQ is told
    // not to retry it. Anything else may be passing (a full disk, memory) and is retried.
    if (isForgeError(error)) throw new UnrecoverableError(error.message);
    throw error;
  }
}

/**
 * How long a unit held the event loop, and when that was over half the lock (BullMQ renews it every
 * half): a warning with the `--lock-ms` that leaves a margin of three times the stretch.
 */
function loopHeldNote(name: string, heldSeconds: number, lockMs: number): { note: string; warning?: string } {
  const note = `loop held ≤ ${heldSeconds.toFixed(1)} s`;
  if (heldSeconds * 1000 <= lockMs / 2) return { note };
  const suggested = Math.ceil(heldSeconds * 3) * 1000;
  return {
    note,
    warning:
      `warning: unit ${name} held the event loop for ${heldSeconds.toFixed(1)} s, over half the lock ` +
      `(--lock-ms ${lockMs}), so its lock went unrenewed and another worker may have taken it for stalled: ` +
      `use --lock-ms ${suggested} or more`,
  };
}

/** One line per unit started, finished or failed, on `options.print`. */
function reportUnits(worker: Worker<UnitJobData>, options: QueueWorkerOptions, loop: LoopWatch): WorkerSummary {
  const counts = { finished: 0, failed: 0 };
  const started = new Map<string, number>();
  const name = (job: Job<UnitJobData>): string => job.data.unit?.id ?? String(job.id);
  const loopHeld = (job: Job<UnitJobData>): { note: string; warning?: string } => {
    const held = loop.held.get(String(job.id)) ?? 0;
    loop.held.delete(String(job.id));
    return loopHeldNote(name(job), held, options.lockMs);
  };
  worker.on('active', (job) => {
    started.set(String(job.id), performance.now());
    options.print(`unit ${name(job)} started (attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1})`);
  });
  worker.on('completed', (job) => {
    counts.finished += 1;
    const seconds = (performance.now() - (started.get(String(job.id)) ?? performance.now())) / 1000;
    const { note, warning } = loopHeld(job);
    options.print(`unit ${name(job)} finished in ${seconds.toFixed(1)} s, ${note} (${counts.finished} done)`);
    if (warning) options.print(warning);
  });
  worker.on('failed', (job, error) => {
    counts.failed += 1;
    const warning = job ? loopHeld(job).warning : undefined;
    options.print(`unit ${job ? name(job) : '?'} failed: ${error.message}`);
    if (warning) options.print(warning);
  });
  worker.on('error', (error) => options.print(`queue error: ${error.message}`));
  return counts;
}

/**
 * Runs a worker until a stop request; the first finishes the current unit, the second aborts it and
 * returns it to the queue (waiting, its attempts untouched) once it stops at its next safe point.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<WorkerSummary> {
  const controller = new AbortController();
  const loop = new LoopWatch();
  const worker = new Worker<UnitJobData>(
    UNIT_QUEUE,
    (job, token) => processUnit(job, token, options, controller.signal, loop),
    {
      connection: redisOptions(options.url),
      concurrency: 1,
      lockDuration: options.lockMs,
      stalledInterval: options.stallCheckMs,
      maxStalledCount: 2,
      autorun: false,
    },
  );
  const counts = reportUnits(worker, options, loop);
  options.stopRequests((force) => {
    if (force) controller.abort();
    options.print(
      force
        ? 'stopping now: the current unit stops at its next safe point and goes back to the queue'
        : 'stopping after the current unit (Ctrl-C again to return it to the queue now)',
    );
    // Never BullMQ's forced close: it would drop the connection the unit's return to the queue needs.
    void worker.close();
  });
  options.print(`worker waiting for units on ${displayUrl(options.url)} (queue ${UNIT_QUEUE})`);
  loop.start();
  try {
    await worker.run();
    await worker.close();
  } finally {
    loop.stop();
  }
  return counts;
}
