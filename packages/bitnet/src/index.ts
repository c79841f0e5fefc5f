/**
 * @agent-forge/bitnet — Phase 4: BitNet b1.58 (Ma et al. 2024) ternary quantization-aware training
 * and 2-bit packed checkpoints. See README.md for the exact quantizer, STE and packing semantics.
 * @packageDocumentation
 */
export {
  QUANT_EPS,
  absmeanTernary,
  absmaxActivations,
  dequantizeTernary,
  parameterFreeRmsNorm,
  ternaryWeight,
  type TernaryWeight,
} from './quantizers.js';
export { straightThrough } from './ste.js';
export { bitLinearFactory, createBitLinear, quantizeInput } from './bit-linear.js';
export {
  BitNetExtensionSchema,
  BitNetSettingsSchema,
  isTernaryLayer,
  type BitNetExtension,
  type BitNetSettings,
  type BitNetSettingsInput,
} from './settings.js';
export { PACKING_NAME, VALUES_PER_BYTE, packTernary, packedByteLength, unpackTernary } from './packing.js';
export {
  PACKED_FILE,
  loadPackedModel,
  packModelWeights,
  packedTensorNames,
  unpackWeights,
  writePackedWeights,
} from './packed-checkpoint.js';
export {
  bitnetExtension,
  bitnetModelExtension,
  buildBitNetModel,
  convertToBitNet,
  createBitNetModel,
  parseBitNetExtension,
  ternaryLayerNames,
  verifyTernaryLayers,
} from './convert.js';
export { measureSizes, type SizeReport } from './size-report.js';
export { BitNetPhaseConfigSchema, bitnetPresetDefaults, type BitNetPhaseConfig } from './phase-config.js';
export { BITNET_MODEL_DIR, bitnetPhase } from './phase.js';
