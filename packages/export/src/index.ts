/**
 * @agent-forge/export — a model as the files other tools run: the 🤗 transformers Llama layout
 * (with a 🤗 tokenizers tokenizer.json that encodes exactly as ours) and GGUF for llama.cpp.
 * @packageDocumentation
 */
export {
  EXPORT_FORMATS,
  ONNX_FILE,
  exportModel,
  prepareModel,
  type ExportFormat,
  type ExportFormatName,
  type ExportOptions,
  type ExportResult,
  type ExportSource,
  type PreparedModel,
} from './export-model.js';
export {
  PROBE_NEW_TOKENS,
  PROBE_TEXTS,
  greedyPrefixAgreement,
  measureAgreement,
  nextTokenAgreement,
  probeContinuations,
  probeIds,
  probePrompt,
  type Agreement,
} from './agreement.js';
export {
  InverseRmsMeans,
  bitnetGraphLinears,
  foldBitLinearInputNorms,
  repeatedTernaryLayers,
  scaleLayers,
} from './bitnet-float.js';
export {
  candidateModel,
  hostWeights,
  planExport,
  planMeasuredExport,
  type ExportApproximation,
  type ExportPlan,
  type PlanOptions,
  type PlanSource,
} from './export-plan.js';
export { embeddingMemoryReads, titanRunner, titanSettings, unrollTitan, type HostModel } from './titan-export.js';
export { TQ2_BLOCK, bitnetNormTensors, bitnetTernaryScales, encodeTq2, ternaryScale } from './bitnet-gguf.js';
export { EXTENSION_POLICIES, assertExportableExtensions, type ExtensionPolicy } from './extensions.js';
export {
  GGUF_PRETOKENIZER,
  encodeLlamaGguf,
  ggufModelMetadata,
  ggufTensors,
  ggufTokenizerMetadata,
  interleaveRopeRows,
  type GgufArchitecture,
  type GgufWeightType,
} from './gguf-export.js';
export {
  GGUF_VALUE_TYPE,
  encodeGguf,
  type GgufBoolValue,
  type GgufInt32ArrayValue,
  type GgufNumberValue,
  type GgufStringArrayValue,
  type GgufStringValue,
  type GgufTensor,
  type GgufValue,
} from './gguf-writer.js';
export { HF_FILES, hfGenerationConfig, hfLlamaConfig, writeHfModel } from './hf-export.js';
export {
  HF_PRETOKENIZER_REGEX,
  hfTokenizerConfig,
  hfTokenizerJson,
  mergeStrings,
  tokenStrings,
  type HfAddedToken,
  type HfTokenizerJson,
} from './hf-tokenizer.js';
export { assertLlamaConfig, llamaTensors, transpose, type HostWeight, type LlamaTensor } from './llama-layout.js';
export { encodeOnnxDecoder, type OnnxSource } from './onnx-export.js';
export {
  ONNX_TYPE,
  ProtoWriter,
  nodeProto,
  tensorProto,
  valueInfo,
  type OnnxAttribute,
  type OnnxDim,
  type OnnxFloatAttribute,
  type OnnxIntAttribute,
  type OnnxIntsAttribute,
} from './onnx-proto.js';
