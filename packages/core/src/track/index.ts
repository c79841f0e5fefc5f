export type { ConfigRecord, EventRecord, MetricRecord, TrackRecord, TrackerSink, TrackerSinkFactory } from './types.js';
export { Tracker, registerTrackerSink, trackerSinks } from './tracker.js';
export { RUN_STORE_FILE, createRunStoreSink, metricSeries, readRunStore, runStoreSinkFactory } from './run-store.js';
