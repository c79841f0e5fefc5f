/** The BullMQ side of work units: the executor `forge run --queue` uses, `forge worker`, and the queue's status. */
export { QueueUrlSchema, UNIT_QUEUE, displayUrl, redisOptions } from './connection.js';
export { openQueueExecutor, type QueueExecutor, type QueueExecutorOptions } from './executor.js';
export { jobIdOf, parseJobData, type UnitJobData } from './job-data.js';
export {
  RUN_QUEUE_FILE,
  RunQueueRecordSchema,
  readRunQueue,
  recordRunQueue,
  type RunQueueRecord,
} from './run-record.js';
export { queueStatus, withTimeout, type QueueStatus } from './status.js';
export { runQueueWorker, type QueueWorkerOptions, type WorkerSummary } from './worker.js';
