/**
 * @agent-forge/bitnet — Phase 4: BitNet b1.58 (Ma et al. 2024) ternary quantization-aware training.
 * The phase converts a dense model and fine-tunes it with quantization in the loop; the ternary format
 * it writes (quantizers, BitLinear, 2-bit packing, the packed checkpoint) lives in @agent-forge/core.
 * @packageDocumentation
 */
export { convertToBitNet } from './convert.js';
export { measureSizes, type SizeReport } from './size-report.js';
export { BitNetPhaseConfigSchema, bitnetPresetDefaults, type BitNetPhaseConfig } from './phase-config.js';
export { BITNET_MODEL_DIR, bitnetPhase } from './phase.js';
export * from './deprecated.js';
