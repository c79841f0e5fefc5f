export type { ConfigRecord, EventRecord, MetricRecord, TrackRecord, TrackerSink, TrackerSinkFactory } from './types.js';
export { Tracker, registerTrackerSink, trackerSinks } from './tracker.js';
export { RUN_STORE_FILE, createRunStoreSink, metricSeries, readRunStore, runStoreSinkFactory } from './run-store.js';
export { crc32c, maskedCrc32c } from './crc32c.js';
export {
  TENSORBOARD_DIR,
  createTensorBoardSink,
  encodeEvent,
  encodeRecord,
  tensorBoardSinkFactory,
} from './tensorboard.js';
export {
  WANDB_DIR,
  WANDB_HISTORY_FILE,
  createWandbSink,
  wandbRunName,
  wandbSinkFactory,
  type WandbSinkOptions,
} from './wandb.js';
export { WandbHistory, type WandbHistoryRow } from './wandb-history.js';
export {
  ALERT_EVENT,
  AlertRuleSchema,
  DEFAULT_ALERT_RULES,
  alertsInRunStore,
  detectPhaseAlerts,
  logAlerts,
  phaseMetricValue,
  type AlertRule,
  type PhaseAlert,
} from './alerts.js';
export { recordRunAlerts } from './run-alerts.js';
