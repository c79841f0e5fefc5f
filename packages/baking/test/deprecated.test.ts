import { describe, expect, it } from 'vitest';
import * as core from '@agent-forge/core';
import * as baking from '../src/index.js';

/** The adapter format moved to core; this package re-exports it, deprecated, for one release. */
const MOVED = [
  'LoraExtensionSchema',
  'parseLoraExtension',
  'LoraSlot',
  'loraExtension',
  'loraLinearFactory',
  'loraModelExtension',
  'loraSlotsOf',
  'LoraAdapters',
  'loraTensorNames',
  'ADAPTER_EXTENSION',
  'ADAPTER_FORMAT',
  'loadAdapterFile',
  'readAdapterFile',
  'saveAdapterFile',
] as const;

describe('deprecated re-exports of the adapter format', () => {
  it('are exactly core’s values, so old imports keep working unchanged', () => {
    for (const name of MOVED) {
      expect(baking[name], name).toBeDefined();
      expect(baking[name], name).toBe(core[name]);
    }
    expect(baking.BAKED_ADAPTERS_DIR).toBe(core.ADAPTERS_DIR);
    expect(baking.loadBakedModel).toBe(core.loadModelWithAdapters);
  });
});
