/** One scalar measurement at a training step. */
export interface MetricRecord {
  readonly type: 'metric';
  readonly time: string;
  readonly phase: string;
  readonly step: number;
  readonly name: string;
  readonly value: number;
}

/** Something that happened: a phase started, a checkpoint was written, a run was interrupted. */
export interface EventRecord {
  readonly type: 'event';
  readonly time: string;
  readonly phase?: string;
  readonly event: string;
  readonly data?: Record<string, unknown>;
}

/** A validated configuration, recorded once per phase (or once for the run with phase 'run'). */
export interface ConfigRecord {
  readonly type: 'config';
  readonly time: string;
  readonly phase: string;
  readonly config: unknown;
}

export type TrackRecord = MetricRecord | EventRecord | ConfigRecord;

/**
 * Where tracked records go. A sink gets every record in order; `close` flushes.
 * The run store is the default; TensorBoard and W&B sinks implement the same interface.
 */
export interface TrackerSink {
  readonly name: string;
  write(record: TrackRecord): void | Promise<void>;
  close(): Promise<void>;
}

/** Builds a sink for a run directory; registered by name in `trackerSinks`. */
export interface TrackerSinkFactory {
  readonly name: string;
  readonly description: string;
  create(options: { runDir: string; runId: string }): TrackerSink | Promise<TrackerSink>;
}
