import type { ProgressReporter } from '@agent-forge/core';

/**
 * First Ctrl-C asks the running phase to stop at its next safe point (after a checkpoint), so
 * nothing is lost and `forge run --resume` continues; a second Ctrl-C exits at once.
 */
export async function withInterruptSignal<T>(
  progress: ProgressReporter,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    progress.log('interrupt: stopping after the current step (Ctrl-C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
