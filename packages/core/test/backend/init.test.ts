import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import {
  describeBackend,
  initBackend,
  tf,
  useBackend,
  withBackend,
  type BackendInfo,
} from '../../src/backend/index.js';
import { THREADS_WORKAROUND_WASM_VERSION } from '../../src/backend/wasm-threads.js';

// Tests in this file run in order and share one process: the failing forced inits come first,
// because a successful init fixes the backend for the rest of the process.
describe('initBackend', () => {
  const savedEnv = process.env['FORGE_BACKEND'];
  beforeAll(() => {
    delete process.env['FORGE_BACKEND'];
  });
  afterAll(() => {
    if (savedEnv === undefined) delete process.env['FORGE_BACKEND'];
    else process.env['FORGE_BACKEND'] = savedEnv;
  });

  it('throws a ForgeError saying what to install when a forced native backend is absent', async () => {
    await expect(initBackend({ prefer: 'tensorflow' })).rejects.toThrow(ForgeError);
    await expect(initBackend({ prefer: 'tensorflow' })).rejects.toThrow(/npm install @tensorflow\/tfjs-node\b(?!-gpu)/);
    await expect(initBackend({ prefer: 'tensorflow-gpu' })).rejects.toThrow(/npm install @tensorflow\/tfjs-node-gpu/);
  });

  it('honours FORGE_BACKEND when no preference is given, and names it in the error', async () => {
    process.env['FORGE_BACKEND'] = 'tensorflow-gpu';
    try {
      await expect(initBackend()).rejects.toThrow(/FORGE_BACKEND=tensorflow-gpu.*tfjs-node-gpu/);
    } finally {
      delete process.env['FORGE_BACKEND'];
    }
  });

  it('rejects an unknown FORGE_BACKEND value and a bad thread count', async () => {
    process.env['FORGE_BACKEND'] = 'webgpu';
    try {
      await expect(initBackend()).rejects.toThrow(
        /unknown backend 'webgpu'.*auto, tensorflow-gpu, tensorflow, wasm, cpu/,
      );
    } finally {
      delete process.env['FORGE_BACKEND'];
    }
    await expect(initBackend({ threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
    await expect(initBackend({ threads: 1.5 })).rejects.toThrow(ForgeError);
  });

  it('describes versions, Node and CPU before any backend is initialised', () => {
    const report = describeBackend();
    expect(report.backend).toBeUndefined();
    expect(report.versions['@tensorflow/tfjs']).toBe('4.22.0');
    expect(report.versions['@tensorflow/tfjs-backend-wasm']).toBe(THREADS_WORKAROUND_WASM_VERSION);
    expect(report.versions['@tensorflow/tfjs-node']).toBeUndefined();
    expect(report.node).toBe(process.version);
    expect(report.cpu.cores).toBe(os.cpus().length);
  });

  let info: BackendInfo;
  it("chooses wasm under 'auto' when the native packages are absent, with SIMD and one thread per core", async () => {
    info = await initBackend();
    expect(info.choice).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.skipped.map((s) => s.choice)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(info.skipped.every((s) => s.reason.endsWith('is not installed'))).toBe(true);
    expect(info.simd).toBe(true); // Node 20 always has wasm SIMD
    const cores = os.cpus().length;
    expect(info.threads).toBe(cores);
    // The native kernels (built in CI) take the threads; wasm's own pool stays at one.
    expect(info.nativeKernels).toMatchObject({ active: true, threads: cores, binary: 'local build (-march=native)' });
    expect(info.threadsWorkaround).toBe(false);
    if (cores > 1) expect(info.threadsWorkaroundSkipped).toMatch(/native kernels run on the \d+ threads/);
  });

  it('is idempotent, and refuses to switch to another backend afterwards', async () => {
    expect(await initBackend()).toBe(info);
    expect(await initBackend({ prefer: 'wasm', threads: 1 })).toBe(info);
    await expect(initBackend({ prefer: 'cpu' })).rejects.toThrow(/already initialised as 'wasm'/);
  });

  it('reports the initialised backend in describeBackend', () => {
    const report = describeBackend();
    expect(report).toMatchObject({
      backend: 'wasm',
      threads: info.threads,
      simd: true,
      threadsWorkaround: info.threadsWorkaround,
    });
  });
});

describe('useBackend and withBackend', () => {
  it('switches to the cpu reference without its Node.js banner', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      await useBackend('cpu');
      expect(tf.getBackend()).toBe('cpu');
      tf.tensor([1, 2, 3]).dispose(); // the banner comes on the first write
      const messages = warn.mock.calls.map((call) => call.map(String).join(' '));
      expect(messages.filter((m) => m.includes('running TensorFlow.js in Node.js'))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it('lets initBackend re-activate the initialised backend after a switch', async () => {
    await useBackend('cpu');
    const info = await initBackend();
    expect(tf.getBackend()).toBe(info.tfjsBackend);
  });

  it('runs a function on cpu and switches back, also when it throws', async () => {
    await initBackend();
    const onWasm = tf.tensor1d([1, 2, 3]);
    const seen = await withBackend('cpu', () => ({ backend: tf.getBackend(), values: tf.add(onWasm, 1).arraySync() }));
    expect(seen).toEqual({ backend: 'cpu', values: [2, 3, 4] }); // tfjs moved the tensor's data across
    expect(tf.getBackend()).toBe('wasm');
    await expect(withBackend('cpu', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(tf.getBackend()).toBe('wasm');
    onWasm.dispose();
  });

  it('throws a ForgeError for a native backend that is not installed', async () => {
    await expect(useBackend('tensorflow')).rejects.toThrow(ForgeError);
    expect(tf.getBackend()).toBe('wasm');
  });
});
