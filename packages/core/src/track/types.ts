/** One scalar measurement at a training step. */
export interface MetricRecord {
  /** Discriminant of `TrackRecord`. */
  readonly type: 'metric';
  /** When it was recorded, as an ISO 8601 UTC timestamp. */
  readonly time: string;
  /** Name of the phase that measured it, e.g. `bitnet`. */
  readonly phase: string;
  /** The phase's own training step; each phase counts from its own start. */
  readonly step: number;
  /** Metric name, e.g. `loss` or `accuracy`; sinks key series by (phase, name). */
  readonly name: string;
  /** The measurement, e.g. a loss in nats per token. */
  readonly value: number;
}

/** Something that happened: a phase started, a checkpoint was written, a run was interrupted. */
export interface EventRecord {
  /** Discriminant of `TrackRecord`. */
  readonly type: 'event';
  /** When it happened, as an ISO 8601 UTC timestamp. */
  readonly time: string;
  /** The phase it belongs to; absent for run-level events such as `run_started`. */
  readonly phase?: string;
  /** What happened, snake_case: `phase_started`, `checkpoint`, `alert`, `run_finished`… */
  readonly event: string;
  /** Event details, JSON-serialisable (e.g. `{ step }` for `checkpoint`). */
  readonly data?: Record<string, unknown>;
}

/** A validated configuration, recorded once per phase (or once for the run with phase 'run'). */
export interface ConfigRecord {
  /** Discriminant of `TrackRecord`. */
  readonly type: 'config';
  /** When it was recorded, as an ISO 8601 UTC timestamp. */
  readonly time: string;
  /** The phase the config belongs to, or `run` for the run-wide config. */
  readonly phase: string;
  /** The validated config as it will be used, defaults filled in; JSON-serialisable. */
  readonly config: unknown;
}

/** One entry of a run's history, as sinks receive it and `track.jsonl` stores it; narrow on `type`. */
export type TrackRecord = MetricRecord | EventRecord | ConfigRecord;

/**
 * Where tracked records go. A sink gets every record in order; `close` flushes.
 * The run store is the default; TensorBoard and W&B sinks implement the same interface.
 */
export interface TrackerSink {
  /** Sink name, as given in `tracking.sinks` (e.g. `run-store`). */
  readonly name: string;
  /** Take one record; a returned promise is awaited in order and its failure surfaces at `Tracker.close()`. */
  write(record: TrackRecord): void | Promise<void>;
  /** Flush and release files or connections; called once, when the run ends. */
  close(): Promise<void>;
}

/** Builds a sink for a run directory; registered by name in `trackerSinks`. */
export interface TrackerSinkFactory {
  /** Name the sink is registered and selected by in `tracking.sinks`. */
  readonly name: string;
  /** One line for help output: what the sink writes and where. */
  readonly description: string;
  /** Open a sink writing under `runDir` (`runs/<runId>`) for the run `runId`. */
  create(options: { runDir: string; runId: string }): TrackerSink | Promise<TrackerSink>;
}
