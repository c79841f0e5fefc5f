import { ForgeError } from '../errors.js';

/**
 * Stops training with a clear message when the loss becomes NaN/Infinity, or jumps to more than
 * `spikeFactor` times its running average after warmup — the two ways a run silently wastes hours.
 */
export class LossGuard {
  private average: number | undefined;
  private readonly spikeFactor: number;
  private readonly warmupSteps: number;

  constructor(spikeFactor: number, warmupSteps: number, average?: number) {
    this.spikeFactor = spikeFactor;
    this.warmupSteps = warmupSteps;
    this.average = average;
  }

  /** Check one step's loss and update the running average; throws a ForgeError on NaN/Infinity or a spike (`lr` goes into the message). */
  check(step: number, loss: number, lr: number): void {
    if (!Number.isFinite(loss)) {
      throw new ForgeError(
        `loss became ${loss} at step ${step} (lr ${lr.toExponential(2)}): lower the learning rate or enable gradient clipping`,
      );
    }
    const past = this.average;
    if (past !== undefined && this.spikeFactor > 0 && step > this.warmupSteps && loss > this.spikeFactor * past) {
      throw new ForgeError(
        `loss spiked to ${loss.toFixed(4)} at step ${step}, over ${this.spikeFactor}× its running average ${past.toFixed(4)} (lr ${lr.toExponential(2)}); resume from the last checkpoint with a lower learning rate`,
      );
    }
    this.average = past === undefined ? loss : 0.9 * past + 0.1 * loss;
  }

  /** The running average, saved with a checkpoint so a resumed run judges spikes the same way. */
  get runningAverage(): number | undefined {
    return this.average;
  }
}
