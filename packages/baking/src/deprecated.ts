/**
 * The LoRA adapter format moved to @agent-forge/core; these re-exports keep imports from this package
 * working for one release. Import them from '@agent-forge/core' instead.
 */
import * as core from '@agent-forge/core';

/** @deprecated Moved to @agent-forge/core; import `LoraExtensionSchema` from there. */
export const LoraExtensionSchema = core.LoraExtensionSchema;
/** @deprecated Moved to @agent-forge/core; import `parseLoraExtension` from there. */
export const parseLoraExtension = core.parseLoraExtension;
/** @deprecated Moved to @agent-forge/core; import `LoraExtension` from there. */
export type LoraExtension = core.LoraExtension;
/** @deprecated Moved to @agent-forge/core; import `LoraSlot` from there. */
export const LoraSlot = core.LoraSlot;
/** @deprecated Moved to @agent-forge/core; import `LoraSlot` from there. */
export type LoraSlot = core.LoraSlot;
/** @deprecated Moved to @agent-forge/core; import `LoraPair` from there. */
export type LoraPair = core.LoraPair;
/** @deprecated Moved to @agent-forge/core; import `loraExtension` from there. */
export const loraExtension = core.loraExtension;
/** @deprecated Moved to @agent-forge/core; import `loraLinearFactory` from there. */
export const loraLinearFactory = core.loraLinearFactory;
/** @deprecated Moved to @agent-forge/core; import `loraModelExtension` from there. */
export const loraModelExtension = core.loraModelExtension;
/** @deprecated Moved to @agent-forge/core; import `loraSlotsOf` from there. */
export const loraSlotsOf = core.loraSlotsOf;
/** @deprecated Moved to @agent-forge/core; import `LoraAdapters` from there. */
export const LoraAdapters = core.LoraAdapters;
/** @deprecated Moved to @agent-forge/core; import `LoraAdapters` from there. */
export type LoraAdapters = core.LoraAdapters;
/** @deprecated Moved to @agent-forge/core; import `loraTensorNames` from there. */
export const loraTensorNames = core.loraTensorNames;
/** @deprecated Moved to @agent-forge/core; import `AdapterInfo` from there. */
export type AdapterInfo = core.AdapterInfo;
/** @deprecated Moved to @agent-forge/core; import `AdapterShape` from there. */
export type AdapterShape = core.AdapterShape;
/** @deprecated Moved to @agent-forge/core; import `ADAPTER_EXTENSION` from there. */
export const ADAPTER_EXTENSION = core.ADAPTER_EXTENSION;
/** @deprecated Moved to @agent-forge/core; import `ADAPTER_FORMAT` from there. */
export const ADAPTER_FORMAT = core.ADAPTER_FORMAT;
/** @deprecated Moved to @agent-forge/core; import `loadAdapterFile` from there. */
export const loadAdapterFile = core.loadAdapterFile;
/** @deprecated Moved to @agent-forge/core; import `readAdapterFile` from there. */
export const readAdapterFile = core.readAdapterFile;
/** @deprecated Moved to @agent-forge/core; import `saveAdapterFile` from there. */
export const saveAdapterFile = core.saveAdapterFile;
/** @deprecated Moved to @agent-forge/core; import `AdapterFileInfo` from there. */
export type AdapterFileInfo = core.AdapterFileInfo;
/** @deprecated Moved to @agent-forge/core as `ADAPTERS_DIR`. */
export const BAKED_ADAPTERS_DIR = core.ADAPTERS_DIR;
/** @deprecated Moved to @agent-forge/core as `loadModelWithAdapters`. */
export const loadBakedModel = core.loadModelWithAdapters;
/** @deprecated Moved to @agent-forge/core as `ModelWithAdapters`. */
export type BakedModel = core.ModelWithAdapters;
