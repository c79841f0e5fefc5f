/**
 * The ternary format moved to @agent-forge/core; these re-exports keep imports from this package
 * working for one release. Import them from '@agent-forge/core' instead.
 */
import * as core from '@agent-forge/core';

/** @deprecated Moved to @agent-forge/core; import `QUANT_EPS` from there. */
export const QUANT_EPS = core.QUANT_EPS;
/** @deprecated Moved to @agent-forge/core; import `absmeanTernary` from there. */
export const absmeanTernary = core.absmeanTernary;
/** @deprecated Moved to @agent-forge/core; import `absmaxActivations` from there. */
export const absmaxActivations = core.absmaxActivations;
/** @deprecated Moved to @agent-forge/core; import `dequantizeTernary` from there. */
export const dequantizeTernary = core.dequantizeTernary;
/** @deprecated Moved to @agent-forge/core; import `parameterFreeRmsNorm` from there. */
export const parameterFreeRmsNorm = core.parameterFreeRmsNorm;
/** @deprecated Moved to @agent-forge/core; import `ternaryWeight` from there. */
export const ternaryWeight = core.ternaryWeight;
/** @deprecated Moved to @agent-forge/core; import `TernaryWeight` from there. */
export type TernaryWeight = core.TernaryWeight;
/** @deprecated Moved to @agent-forge/core; import `straightThrough` from there. */
export const straightThrough = core.straightThrough;
/** @deprecated Moved to @agent-forge/core; import `bitLinearFactory` from there. */
export const bitLinearFactory = core.bitLinearFactory;
/** @deprecated Moved to @agent-forge/core; import `createBitLinear` from there. */
export const createBitLinear = core.createBitLinear;
/** @deprecated Moved to @agent-forge/core; import `quantizeInput` from there. */
export const quantizeInput = core.quantizeInput;
/** @deprecated Moved to @agent-forge/core; import `BitNetExtensionSchema` from there. */
export const BitNetExtensionSchema = core.BitNetExtensionSchema;
/** @deprecated Moved to @agent-forge/core; import `BitNetSettingsSchema` from there. */
export const BitNetSettingsSchema = core.BitNetSettingsSchema;
/** @deprecated Moved to @agent-forge/core; import `isTernaryLayer` from there. */
export const isTernaryLayer = core.isTernaryLayer;
/** @deprecated Moved to @agent-forge/core; import `BitNetExtension` from there. */
export type BitNetExtension = core.BitNetExtension;
/** @deprecated Moved to @agent-forge/core; import `BitNetSettings` from there. */
export type BitNetSettings = core.BitNetSettings;
/** @deprecated Moved to @agent-forge/core; import `BitNetSettingsInput` from there. */
export type BitNetSettingsInput = core.BitNetSettingsInput;
/** @deprecated Moved to @agent-forge/core; import `PACKING_NAME` from there. */
export const PACKING_NAME = core.PACKING_NAME;
/** @deprecated Moved to @agent-forge/core; import `VALUES_PER_BYTE` from there. */
export const VALUES_PER_BYTE = core.VALUES_PER_BYTE;
/** @deprecated Moved to @agent-forge/core; import `packTernary` from there. */
export const packTernary = core.packTernary;
/** @deprecated Moved to @agent-forge/core; import `packedByteLength` from there. */
export const packedByteLength = core.packedByteLength;
/** @deprecated Moved to @agent-forge/core; import `unpackTernary` from there. */
export const unpackTernary = core.unpackTernary;
/** @deprecated Moved to @agent-forge/core; import `PACKED_FILE` from there. */
export const PACKED_FILE = core.PACKED_FILE;
/** @deprecated Moved to @agent-forge/core; import `loadPackedModel` from there. */
export const loadPackedModel = core.loadPackedModel;
/** @deprecated Moved to @agent-forge/core; import `packModelWeights` from there. */
export const packModelWeights = core.packModelWeights;
/** @deprecated Moved to @agent-forge/core; import `packedTensorNames` from there. */
export const packedTensorNames = core.packedTensorNames;
/** @deprecated Moved to @agent-forge/core; import `unpackWeights` from there. */
export const unpackWeights = core.unpackWeights;
/** @deprecated Moved to @agent-forge/core; import `writePackedWeights` from there. */
export const writePackedWeights = core.writePackedWeights;
/** @deprecated Moved to @agent-forge/core; import `bitnetExtension` from there. */
export const bitnetExtension = core.bitnetExtension;
/** @deprecated Moved to @agent-forge/core; import `bitnetModelExtension` from there. */
export const bitnetModelExtension = core.bitnetModelExtension;
/** @deprecated Moved to @agent-forge/core; import `buildBitNetModel` from there. */
export const buildBitNetModel = core.buildBitNetModel;
/** @deprecated Moved to @agent-forge/core; import `createBitNetModel` from there. */
export const createBitNetModel = core.createBitNetModel;
/** @deprecated Moved to @agent-forge/core; import `parseBitNetExtension` from there. */
export const parseBitNetExtension = core.parseBitNetExtension;
/** @deprecated Moved to @agent-forge/core; import `ternaryLayerNames` from there. */
export const ternaryLayerNames = core.ternaryLayerNames;
/** @deprecated Moved to @agent-forge/core; import `verifyTernaryLayers` from there. */
export const verifyTernaryLayers = core.verifyTernaryLayers;
