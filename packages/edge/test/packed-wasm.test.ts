// The packed path on wasm without the addon (FORGE_NATIVE_KERNELS=0): the JavaScript kernel on the heap.
process.env['FORGE_NATIVE_KERNELS'] = '0';

import { initBackend } from '@agent-forge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectBakedPackedMatchesFloat, expectPackedMatchesFloat } from './packed-paths.js';

describe('packed ternary path on wasm, JavaScript kernel', () => {
  beforeAll(async () => {
    const info = await initBackend({ prefer: 'wasm' });
    expect(info.nativeKernels).toMatchObject({ active: false, reason: 'FORGE_NATIVE_KERNELS=0' });
  });

  it('gives the float path logits and tokens, without host copies', async () => {
    await expectPackedMatchesFloat('wasm');
  });

  it('runs a baked model (LoRA persona) on the packed base with the float path logits', async () => {
    await expectBakedPackedMatchesFloat('wasm-baked');
  });
});
