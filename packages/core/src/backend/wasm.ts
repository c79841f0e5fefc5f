/**
 * Brings up the wasm backend the way training wants it: SIMD (auto-detected by tfjs), threads via
 * the Node workaround when asked for more than one, and the two kernels 4.22 lacks or gets slow.
 */
import { registerFastWasmBatchMatMul } from './kernels/fast-batch-matmul.js';
import { registerWasmHeapCopies } from './kernels/heap-copy.js';
import { registerSharedWasmIdentity } from './kernels/shared-identity.js';
import { registerWasmTernaryMatMul } from './kernels/ternary-matmul.js';
import { registerWasmUnsortedSegmentSum } from './kernels/unsorted-segment-sum.js';
import { activateNativeKernels, loadNativeKernelAddon, type NativeKernelsState } from './native-kernels.js';
import { asWasmBackend } from './kernels/wasm-heap.js';
import { tf, tfWasm } from './tf.js';
import {
  installNodeWasmThreads,
  threadsWorkaroundBlocker,
  unrefWasmWorkers,
  type NodeWasmThreadsPatch,
} from './wasm-threads.js';

export interface WasmBackendState {
  simd: boolean;
  /** Compute threads: the native kernels' when they are active, else XNNPACK's (tfjs may grant fewer than asked). */
  threads: number;
  /** True when the threads workaround is installed and gave more than one thread. */
  threadsWorkaround: boolean;
  /** Why the workaround was not used (undefined when it was). */
  threadsWorkaroundSkipped?: string;
  /** The native kernel addon: whether its kernels run on this backend's heap, and why not. */
  nativeKernels: NativeKernelsState;
}

/**
 * A threaded init that never settles (a worker that never reports "loaded") must not hang
 * training: after this long we fall back to one thread. Generous, for a loaded 2-core machine.
 * Not covered: an exception *inside* a pthread worker. Emscripten rethrows it from its own
 * process 'uncaughtException' listener, which ends the process; the version pin is the guard
 * against that (the scripts we write are fixed for 4.22.0), and `threads: 1` avoids workers.
 */
const THREADED_INIT_TIMEOUT_MS = 60_000;

let wasmReady: Promise<WasmBackendState> | undefined;

/** setBackend, or false when it takes longer than `timeoutMs`. */
async function setBackendWithin(name: string, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([tf.setBackend(name), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function tryThreadedInit(threads: number): Promise<{ ok: boolean; skipped?: string }> {
  const blocker = threadsWorkaroundBlocker(tfWasm.version_wasm, threads);
  if (blocker !== undefined) return { ok: false, skipped: blocker };
  let patch: NodeWasmThreadsPatch;
  try {
    patch = installNodeWasmThreads(threads);
  } catch (error) {
    return { ok: false, skipped: `could not install the threads workaround: ${String(error)}` };
  }
  tfWasm.setThreadsCount(threads);
  let ok = false;
  try {
    ok = await setBackendWithin('wasm', THREADED_INIT_TIMEOUT_MS);
  } catch {
    ok = false;
  } finally {
    patch.finishInit();
  }
  if (!ok) patch.undo();
  else unrefWasmWorkers(asWasmBackend(tf.backend()).wasm);
  return ok ? { ok } : { ok, skipped: 'the threaded wasm module failed to initialise' };
}

/**
 * With the native kernels, the threads are theirs and wasm runs on one: its remaining kernels are
 * single-threaded anyway, and an idle wasm pool's spinning workers took the cores the native kernels
 * needed (paper, load ≈ 2.7: decode 13.9 → 8.9 ms/token, a training step 1626 → 1162 ms).
 */
async function initWasm(threads: number): Promise<WasmBackendState> {
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const native = await loadNativeKernelAddon();
  const threaded =
    native.ok && threads > 1
      ? { ok: false, skipped: `the native kernels run on the ${threads} threads; wasm's own kernels run on one` }
      : await tryThreadedInit(threads);
  if (!threaded.ok) {
    tfWasm.setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
  }
  // Kernels go in after init: the stock BatchMatMul's one-time setup must run first.
  registerWasmUnsortedSegmentSum();
  registerFastWasmBatchMatMul();
  registerSharedWasmIdentity();
  registerWasmHeapCopies();
  registerWasmTernaryMatMul();
  const actualThreads = tfWasm.getThreadsCount();
  const nativeKernels = activateNativeKernels(native, threads);
  return {
    nativeKernels,
    simd,
    threads: nativeKernels.active ? threads : actualThreads,
    threadsWorkaround: threaded.ok && actualThreads > 1,
    ...(threaded.skipped === undefined ? {} : { threadsWorkaroundSkipped: threaded.skipped }),
  };
}

/**
 * Initialises wasm once per process (the module and its thread pool cannot be re-created), then
 * makes it the active backend. Later calls re-activate it and ignore `threads`.
 */
export async function activateWasm(threads: number): Promise<WasmBackendState> {
  if (wasmReady === undefined) {
    wasmReady = initWasm(threads);
    wasmReady.catch(() => {
      wasmReady = undefined;
    });
  }
  const state = await wasmReady;
  if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
  return state;
}
