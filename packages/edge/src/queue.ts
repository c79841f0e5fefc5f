/**
 * A first-in first-out lock: jobs run one at a time in arrival order. A model has one decoding session
 * (its KV cache and the Titan runner's memory state), so two requests must never run at once.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Jobs queued or running. */
  get pending(): number {
    return this.waiting;
  }

  /** Runs `job` after every job queued before it has settled; its result or error is passed through. */
  run<T>(job: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(job, job);
    this.tail = result.then(
      () => this.waiting--,
      () => this.waiting--,
    );
    return result;
  }
}
