import { ForgeError } from '../errors.js';
import { runStoreSinkFactory } from './run-store.js';
import type { TrackRecord, TrackerSink, TrackerSinkFactory } from './types.js';

/** Registry of sink factories by name: adding a sink is adding a file that registers here. */
export const trackerSinks = new Map<string, TrackerSinkFactory>([[runStoreSinkFactory.name, runStoreSinkFactory]]);

/** Make a sink selectable by its name in `tracking.sinks`; a later factory of the same name replaces the earlier. */
export function registerTrackerSink(factory: TrackerSinkFactory): void {
  trackerSinks.set(factory.name, factory);
}

/**
 * Fans records out to every sink. Phases call `metric`/`metrics`/`event`/`config`; the
 * pipeline owns the tracker and closes it.
 */
export class Tracker {
  private readonly sinks: TrackerSink[];
  private readonly now: () => Date;
  /** Async sinks (remote, batched) finish in order; their first failure surfaces at close(). */
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(sinks: TrackerSink[], now: () => Date = () => new Date()) {
    this.sinks = sinks;
    this.now = now;
  }

  /** A tracker that records nothing (library use and tests). */
  static none(): Tracker {
    return new Tracker([]);
  }

  /** Build a tracker from sink names, e.g. `['run-store']`. Unknown names are a clear error. */
  static async open(names: readonly string[], options: { runDir: string; runId: string }): Promise<Tracker> {
    const sinks: TrackerSink[] = [];
    for (const name of names) {
      const factory = trackerSinks.get(name);
      if (!factory) {
        throw new ForgeError(`unknown tracker sink '${name}' (known: ${[...trackerSinks.keys()].join(', ')})`, {
          field: 'tracking.sinks',
        });
      }
      sinks.push(await factory.create(options));
    }
    return new Tracker(sinks);
  }

  /** Record one scalar of `phase` at its training `step`. */
  metric(phase: string, step: number, name: string, value: number): void {
    this.emit({ type: 'metric', time: this.now().toISOString(), phase, step, name, value });
  }

  /** Record several scalars of the same phase and step, one metric record per key. */
  metrics(phase: string, step: number, values: Record<string, number>): void {
    for (const [name, value] of Object.entries(values)) this.metric(phase, step, name, value);
  }

  /** Record something that happened; leave out `phase` for run-level events. */
  event(event: string, data?: Record<string, unknown>, phase?: string): void {
    this.emit({ type: 'event', time: this.now().toISOString(), phase, event, data });
  }

  /** Record the validated config of `phase` (or `run`), once, before it trains. */
  config(phase: string, config: unknown): void {
    this.emit({ type: 'config', time: this.now().toISOString(), phase, config });
  }

  /** Wait for async sinks, close every sink, and throw a ForgeError if any sink write failed. */
  async close(): Promise<void> {
    await this.pending;
    await Promise.all(this.sinks.map((sink) => sink.close()));
    if (this.failure !== undefined) throw new ForgeError('a tracker sink failed', { cause: this.failure });
  }

  private emit(record: TrackRecord): void {
    for (const sink of this.sinks) {
      const written = sink.write(record);
      if (written instanceof Promise) {
        this.pending = this.pending
          .then(() => written)
          .catch((error: unknown) => {
            this.failure ??= error;
          });
      }
    }
  }
}
