// docs/backend.md and docs/faq.md say losses are bit-identical across thread counts. Each run is its own
// process (the thread count is fixed when the backend starts): 1 and 2 threads, with the native kernels
// (the default) and with wasm's own XNNPACK pool (FORGE_NATIVE_KERNELS=0, the threads workaround).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./fixtures/thread-losses.mjs', import.meta.url));

interface ThreadRun {
  threads: number;
  nativeKernels: boolean;
  threadsWorkaround: boolean;
  losses: number[];
  weights: string;
}

function trainWith(threads: number, nativeKernels: '1' | '0'): ThreadRun {
  const child = spawnSync(process.execPath, [SCRIPT, String(threads)], {
    env: { ...process.env, FORGE_NATIVE_KERNELS: nativeKernels },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`thread-losses.mjs ${threads} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout) as ThreadRun;
}

describe('losses across thread counts', () => {
  it('are bit-identical with 1 and 2 threads, and so are the trained weights (native kernels)', () => {
    const one = trainWith(1, '1');
    const two = trainWith(2, '1');
    expect([one.threads, two.threads, one.nativeKernels, two.nativeKernels]).toEqual([1, 2, true, true]);
    expect(two.losses).toHaveLength(3);
    expect(two.losses).toEqual(one.losses);
    expect(two.weights).toBe(one.weights);
  });

  it("are bit-identical with 1 and 2 threads, and so are the trained weights (wasm's own thread pool)", () => {
    const one = trainWith(1, '0');
    const two = trainWith(2, '0');
    expect([one.threads, two.threads, two.nativeKernels, two.threadsWorkaround]).toEqual([1, 2, false, true]);
    expect(two.losses).toEqual(one.losses);
    expect(two.weights).toBe(one.weights);
  });
});
