import { unitKinds } from '@agent-forge/core';
import { startEngine } from '../engine.js';
import type { BackendChoice } from '../pipeline-config.js';
// Importing the phases registers their unit kinds (baking.bake, evomerge.fitness, cognate.variant…).
import '../phases.js';
import { redisOptions } from '../queue/connection.js';
import { runQueueWorker } from '../queue/worker.js';
import type { SignalSource } from '../stop-signals.js';
import type { ProgressReporter } from '@agent-forge/core';

/** What `forge worker` is given. */
export interface WorkerCommandOptions {
  /** `redis://host:port` of the queue. */
  url: string;
  backend: BackendChoice;
  threads?: number;
  /** BullMQ lock duration of a running unit, ms. */
  lockMs: number;
  /** How often to look for units whose worker died, ms. */
  stallCheckMs: number;
  progress: ProgressReporter;
  print: (line: string) => void;
  /** Where Ctrl-C / SIGTERM are heard (default: the process). */
  signals?: SignalSource;
}

/**
 * `forge worker --queue redis://…`: runs queued units until Ctrl-C. The first Ctrl-C finishes the
 * current unit and stops; a second stops the unit at its next safe point and returns it to the queue.
 */
export async function workerCommand(options: WorkerCommandOptions): Promise<void> {
  redisOptions(options.url);
  const engine = await startEngine(options.backend, options.threads);
  options.print(`backend: ${engine.summary}; unit kinds: ${unitKinds.names().join(', ')}`);
  const source = options.signals ?? process;
  const summary = await runQueueWorker({
    url: options.url,
    backend: engine.name,
    lockMs: options.lockMs,
    stallCheckMs: options.stallCheckMs,
    progress: options.progress,
    print: options.print,
    stopRequests: (onStop) => {
      let requests = 0;
      const onSignal = (): void => {
        requests += 1;
        onStop(requests > 1);
        if (requests > 1) {
          source.off('SIGINT', onSignal);
          source.off('SIGTERM', onSignal);
        }
      };
      source.on('SIGINT', onSignal);
      source.on('SIGTERM', onSignal);
    },
  });
  options.print(`worker stopped: ${summary.finished} unit(s) finished, ${summary.failed} failed attempt(s)`);
}
