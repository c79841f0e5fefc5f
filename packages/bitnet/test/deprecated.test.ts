import { describe, expect, it } from 'vitest';
import * as core from '@agent-forge/core';
import * as bitnet from '../src/index.js';

/** The ternary format moved to core; this package re-exports it, deprecated, for one release. */
const MOVED = [
  'QUANT_EPS',
  'absmeanTernary',
  'absmaxActivations',
  'dequantizeTernary',
  'parameterFreeRmsNorm',
  'ternaryWeight',
  'straightThrough',
  'bitLinearFactory',
  'createBitLinear',
  'quantizeInput',
  'BitNetExtensionSchema',
  'BitNetSettingsSchema',
  'isTernaryLayer',
  'PACKING_NAME',
  'VALUES_PER_BYTE',
  'packTernary',
  'packedByteLength',
  'unpackTernary',
  'PACKED_FILE',
  'loadPackedModel',
  'packModelWeights',
  'packedTensorNames',
  'unpackWeights',
  'writePackedWeights',
  'bitnetExtension',
  'bitnetModelExtension',
  'buildBitNetModel',
  'createBitNetModel',
  'parseBitNetExtension',
  'ternaryLayerNames',
  'verifyTernaryLayers',
] as const;

describe('deprecated re-exports of the ternary format', () => {
  it('are exactly core’s values, so old imports keep working unchanged', () => {
    for (const name of MOVED) {
      expect(bitnet[name], name).toBeDefined();
      expect(bitnet[name], name).toBe(core[name]);
    }
  });
});
