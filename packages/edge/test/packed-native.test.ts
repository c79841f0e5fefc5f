// The packed path on wasm with the native int8 kernel (required: FORGE_NATIVE_KERNELS=1).
process.env['FORGE_NATIVE_KERNELS'] = '1';

import { initBackend } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectBakedPackedMatchesFloat, expectPackedMatchesFloat } from './packed-paths.js';

describe('packed ternary path on wasm, native kernel', () => {
  beforeAll(async () => {
    const info = await initBackend({ prefer: 'wasm' });
    expect(info.nativeKernels.active).toBe(true);
  });

  it('gives the float path logits and tokens, without host copies', async () => {
    await expectPackedMatchesFloat('native');
  });

  it('runs a baked model (LoRA persona) on the packed base with the float path logits', async () => {
    await expectBakedPackedMatchesFloat('native-baked');
  });
});
