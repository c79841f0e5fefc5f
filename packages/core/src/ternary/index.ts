/**
 * The ternary model format (BitNet b1.58, Ma et al. 2024, arXiv:2402.17764): absmean ternary weights,
 * absmax activations, the straight-through estimator, BitLinear, 2-bit packing, the packed checkpoint
 * file and the `bitnet` model extension. Every phase that reads or writes a BitNet model uses these.
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
  packModelWeights,
  packedTensorNames,
  unpackWeights,
  writePackedWeights,
} from './packed-weights.js';
export { frozenBitNetExtension, loadPackedModel } from './packed-model.js';
export { quantizeRow } from './activation-quant.js';
export {
  EMBEDDING_QUANTIZERS,
  INT4_GROUP,
  dequantizeEmbeddings,
  quantizeEmbeddings,
  type EmbeddingQuantName,
  type EmbeddingQuantizer,
} from './embedding-quant.js';
export {
  KERNEL_BLOCK,
  KERNEL_LAYOUT_NAME,
  kernelRowBytes,
  kernelTernaryMatrix,
  type KernelTernaryMatrix,
} from './kernel-layout.js';
export { ternaryMatMulJs, type KernelActivationSettings } from './kernel-js.js';
export { hasTernaryMatMulKernel, ternaryMatMul } from './packed-matmul.js';
export {
  bitnetExtension,
  bitnetModelExtension,
  buildBitNetModel,
  createBitNetModel,
  parseBitNetExtension,
  ternaryLayerNames,
  verifyTernaryLayers,
} from './extension.js';
