/**
 * @agent-forge/edge — Phase 7: fast local inference. Streaming KV-cached generation, a packed ternary
 * kernel (2-bit weights, 8-bit activations, int32 sums) standing in for BitNet's layers, an
 * OpenAI-compatible server, and the phase that writes the deployable model and its latency report.
 * @packageDocumentation
 */
export {
  columnPackedMatrix,
  buildSumTables,
  accumulateColumns,
  sumTableLength,
  type PackedTernaryMatrix,
} from './ternary-kernel.js';
export { quantizeRow } from './activation-quant.js';
export {
  packedMatmul,
  packedTernaryLinear,
  createScratch,
  type KernelScratch,
  type PackedLinearSpec,
} from './packed-linear.js';
export {
  bitnetExtensionOf,
  loadPackedKernelModel,
  packedKernelExtension,
  readModelConfig,
  splitPackedWeights,
  type PackedKernelModel,
} from './packed-model.js';
export {
  streamTokens,
  generateStreaming,
  type GenerationSummary,
  type StreamOptions,
  type StreamStopReason,
} from './runtime.js';
export { TextStream } from './text-stream.js';
export { SerialQueue } from './queue.js';
export { chatPrompt, CHAT_STOP_STRINGS, type ChatMessage } from './prompt-format.js';
export type { EdgeModel, EdgeModelKind } from './edge-model.js';
export {
  EdgeEngine,
  type CompletionRequest,
  type CompletionResult,
  type EdgeEngineOptions,
  type FinishReason,
  type TokenGenerator,
} from './engine.js';
export { serveModel, type RunningServer, type ServeOptions } from './server/server.js';
export { measureLatency, percentile, type LatencyOptions, type LatencyReport } from './latency.js';
export { ADAPTERS_DIR, writeDeployable, type DeploySummary } from './deploy.js';
export { EdgePhaseConfigSchema, edgePresetDefaults, type EdgePhaseConfig } from './phase-config.js';
export { phaseMetrics, phaseReport, type EdgeOutcome } from './report.js';
export { EDGE_MODEL_DIR, benchmarkPrompt, edgePhase } from './phase.js';
export {
  hasAdapters,
  hasFloatWeights,
  hasPackedWeights,
  loadBakedEdgeModel,
  loadDequantizedEdgeModel,
  loadFloatEdgeModel,
  loadPackedEdgeModel,
  modelIdOf,
} from './load.js';
