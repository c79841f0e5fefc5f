/**
 * LoRA adapters (Hu et al. 2021, arXiv:2106.09685) as a model format: the switchable slot around a linear
 * layer, the `lora` model extension, the named adapters of a model, the adapter file, and loading a
 * checkpoint with every adapter in its `adapters/` folder. The baking phase trains adapters; edge serves them.
 */
export { LoraExtensionSchema, parseLoraExtension, type LoraExtension } from './lora-settings.js';
export { LoraSlot, type LoraPair } from './slot.js';
export { loraExtension, loraLinearFactory, loraModelExtension, loraSlotsOf } from './extension.js';
export { LoraAdapters, loraTensorNames, type AdapterInfo, type AdapterShape } from './adapters.js';
export {
  ADAPTER_EXTENSION,
  ADAPTER_FORMAT,
  loadAdapterFile,
  readAdapterFile,
  saveAdapterFile,
  type AdapterFileInfo,
} from './adapter-file.js';
export { ADAPTERS_DIR, copyAdapters, hasAdapters, measurementPersona } from './adapter-folder.js';
export { loadModelWithAdapters, type AdapterBaseLoader, type ModelWithAdapters } from './adapter-model.js';
