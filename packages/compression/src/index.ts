/**
 * @agent-forge/compression — Phase 8: SeedLM, VPTQ and hyper-compression of the final weights, a
 * registry of weight compressors behind one interface, and the compressed model format that
 * `loadCompressedModel` decodes at load time.
 * @packageDocumentation
 */
export {
  bitsPerWeight,
  relativeError,
  sizeOf,
  storedBytes,
  type Compressor,
  type EncodeContext,
  type EncodedParams,
  type EncodedTensor,
} from './compressor.js';
export { COMPRESSORS, compressorNames, getCompressor, parseMethodSettings, registerCompressor } from './registry.js';
export { indexBits, packBits, packedBytes, unpackBits } from './bit-packing.js';
export { NoSettingsSchema, fp16Compressor, fp32Compressor, type NoSettings } from './methods/float.js';
export { RtnSettingsSchema, rtnCompressor, type RtnSettings } from './methods/rtn.js';
export {
  packBase3,
  ternary2bitCompressor,
  ternaryBase3Compressor,
  ternaryCodes,
  unpackBase3,
} from './methods/ternary.js';
export { LFSR_BITS, LFSR_PERIOD, lfsrNext, lfsrPeriod, lfsrStates, seedMatrix } from './methods/lfsr.js';
export {
  SeedLmSettingsSchema,
  candidateSeeds,
  seedLmCompressor,
  seedLmNominalBits,
  type SeedLmSettings,
} from './methods/seedlm.js';
export { kMeans, type KMeansResult } from './methods/kmeans.js';
export { VptqSettingsSchema, vptqCompressor, type VptqSettings } from './methods/vptq.js';
export {
  HyperSettingsSchema,
  hyperCompressor,
  trajectoryPoint,
  windingDirection,
  type HyperSettings,
} from './methods/hyper.js';
export {
  COMPRESSED_FILE,
  COMPRESSED_FORMAT,
  compressedFileContents,
  decodeTensor,
  readCompressedFile,
  writeCompressedFile,
} from './format.js';
export {
  CompressionExtensionSchema,
  compressionModelExtension,
  decodeAll,
  frozenBitNetExtension,
  isCompressedModelDir,
  loadCompressedBakedModel,
  loadCompressedModel,
  loadInputModel,
  type CompressionExtension,
  type InputModel,
} from './model-loading.js';
export { planTensor, type CandidateSpec, type TensorCandidate, type TensorPlan } from './candidates.js';
export { groupPlans, layerGroup, selectWithinBudget, type BudgetOutcome, type GroupOutcome } from './budget.js';
export { measureRowImportance } from './calibration.js';
export {
  CandidateConfigSchema,
  CompressionPhaseConfigSchema,
  DEFAULT_CANDIDATES,
  compressionPresetDefaults,
  type CandidateConfig,
  type CompressionPhaseConfig,
} from './phase-config.js';
export { COMPRESSION_MODEL_DIR, compressionPhase } from './phase.js';
