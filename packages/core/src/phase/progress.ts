/** A long piece of work: `tick` as it advances, `done` at the end. */
export interface ProgressTask {
  /** Advance by `amount` (default 1) units of the task's total; `info` is shown alongside, e.g. `{ loss: 2.31 }`. */
  tick(amount?: number, info?: Record<string, string | number>): void;
  /** Mark the task finished (a line reporter prints the elapsed time). */
  done(): void;
}

/**
 * How phases report progress. The CLI shows a bar on a TTY and plain log lines otherwise;
 * libraries and tests can pass `silentProgress`.
 */
export interface ProgressReporter {
  /** Begin a task of `total` units (steps, batches…) shown under `label`. */
  start(label: string, total: number): ProgressTask;
  /** Print one message line without disturbing a progress bar. */
  log(message: string): void;
}

/** A reporter that shows nothing, for library use and tests. */
export const silentProgress: ProgressReporter = {
  start: () => ({ tick: () => undefined, done: () => undefined }),
  log: () => undefined,
};

/**
 * Plain log lines, at most one per `everyPercent` of the work: fit for CI logs and pipes,
 * where a redrawn bar would be noise.
 */
export function lineProgress(write: (line: string) => void, everyPercent = 10): ProgressReporter {
  return {
    log: write,
    start(label, total) {
      let current = 0;
      let lastShown = -1;
      const startedAt = Date.now();
      const show = (info?: Record<string, string | number>): void => {
        const percent = total > 0 ? Math.floor((100 * current) / total) : 100;
        const bucket = Math.floor(percent / everyPercent);
        if (bucket === lastShown) return;
        lastShown = bucket;
        const extras = info
          ? Object.entries(info)
              .map(([k, v]) => ` ${k}=${v}`)
              .join('')
          : '';
        write(`${label}: ${current}/${total} (${percent}%)${extras}`);
      };
      return {
        tick(amount = 1, info) {
          current = Math.min(total, current + amount);
          show(info);
        },
        done() {
          write(`${label}: done in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
        },
      };
    },
  };
}
