/**
 * Multi-threaded wasm under Node: a workaround for three things tfjs-backend-wasm 4.22 gets wrong
 * there (research/bench-backend REPORT, F2):
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-coded to false when `IS_NODE` (tfjs issue #3830).
 * 2. Emscripten is handed `blob:` URLs for the pthread worker script and the main script, which
 *    Node's worker_threads cannot load; and the main-script Blob is built from `factory.toString()`,
 *    which loses the rollup `require$$N` variables of the node bundle.
 * 3. backend.cc caps the XNNPACK pool at `emscripten_num_logical_cores() / 2` (it assumes two SMT
 *    siblings per core); under Node that is `os.cpus().length / 2`, i.e. 1 on a 2-vCPU machine.
 *
 * The fix: force the flag; turn those two Blobs into temp files (under os.tmpdir()) whose paths
 * `URL.createObjectURL` returns; and report 2 × threads CPUs while the module initialises.
 * All of this leans on the exact text of the 4.22.0 bundle, hence the version pin.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tf } from './tf.js';

/** The only tfjs-backend-wasm version whose internals this workaround was checked against. */
export const THREADS_WORKAROUND_WASM_VERSION = '4.22.0';

/** How the two scripts tfjs turns into Blobs begin (4.22.0). */
const MAIN_SCRIPT_PREFIX = 'var WasmBackendModuleThreadedSimd';
const WORKER_SCRIPT_PREFIX = '"use strict";var Module={}';

/** The node bundle's module-level variables that `factory.toString()` leaves dangling. */
const MAIN_SCRIPT_PRELUDE =
  "var require$$0=require('fs'),require$$1=require('path'),require$$3=require('perf_hooks')," +
  "require$$4=require('os'),commonjsGlobal=globalThis;\n";

/** An installed workaround. */
export interface NodeWasmThreadsPatch {
  /** Where the scripts were written. */
  readonly tempDir: string;
  /** Call once the wasm module has initialised: stops over-reporting the CPU count, deletes the scripts. */
  finishInit(): void;
  /** Reverts everything, for the single-thread fallback. */
  undo(): void;
}

/** Why the workaround cannot be used, or undefined when it can. */
export function threadsWorkaroundBlocker(wasmVersion: string | undefined, threads: number): string | undefined {
  if (threads <= 1) return 'one thread requested';
  if (wasmVersion !== THREADS_WORKAROUND_WASM_VERSION) {
    return `tfjs-backend-wasm ${wasmVersion ?? '(unknown)'} is not ${THREADS_WORKAROUND_WASM_VERSION}, the version the threads workaround was checked against`;
  }
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is unavailable';
  if (typeof globalThis.Blob !== 'function' || typeof URL.createObjectURL !== 'function')
    return 'Blob or URL.createObjectURL is unavailable';
  return undefined;
}

function blobText(parts: unknown): string | undefined {
  if (!Array.isArray(parts) || !parts.every((part): part is string => typeof part === 'string')) return undefined;
  return parts.join('');
}

/** The worker receives the main script as a Blob and calls createObjectURL on it: point that at our file. */
function workerScriptFile(text: string, mainScriptPath: string): string {
  const prelude = `"use strict";URL.createObjectURL=()=>${JSON.stringify(mainScriptPath)};URL.revokeObjectURL=()=>{};\n`;
  return prelude + text.slice('"use strict";'.length);
}

/**
 * Makes `new Blob(...)` + `URL.createObjectURL` yield file paths for the two tfjs scripts only;
 * every other Blob passes through untouched. Files are written when a worker is created, so the
 * directory can be deleted between spawns (and is re-created if emscripten ever spawns more).
 */
function redirectScriptBlobs(tempDir: string): () => void {
  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL.bind(URL);
  const mainScriptPath = path.join(tempDir, 'main-script.cjs');
  const workerScripts = new WeakMap<object, string>();
  let mainScript: string | undefined;
  let fileCount = 0;
  globalThis.Blob = new Proxy(OriginalBlob, {
    construct(target, args: unknown[]) {
      const blob = Reflect.construct(target, args) as Blob;
      const text = blobText(args[0]);
      if (text?.startsWith(MAIN_SCRIPT_PREFIX)) mainScript = MAIN_SCRIPT_PRELUDE + text;
      if (text?.startsWith(WORKER_SCRIPT_PREFIX)) workerScripts.set(blob, workerScriptFile(text, mainScriptPath));
      return blob;
    },
  });
  URL.createObjectURL = (blob) => {
    const script = workerScripts.get(blob);
    if (script === undefined) return originalCreateObjectURL(blob);
    if (mainScript === undefined) throw new Error('the wasm main script was not seen before its worker script');
    fs.mkdirSync(tempDir, { recursive: true });
    if (!fs.existsSync(mainScriptPath)) fs.writeFileSync(mainScriptPath, mainScript);
    // .cjs: worker_threads must load it as CommonJS whatever package.json sits above the temp dir.
    const file = path.join(tempDir, `worker-${fileCount++}.cjs`);
    fs.writeFileSync(file, script);
    return file;
  };
  return () => {
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreateObjectURL;
  };
}

/** Makes `os.cpus()` list at least `count` CPUs (the wasm bundle holds the same `os` object). */
function overReportCpus(count: number): () => void {
  const mutableOs = os as { cpus: typeof os.cpus };
  const originalCpus = mutableOs.cpus;
  mutableOs.cpus = () => {
    const cpus = originalCpus();
    const first = cpus[0];
    while (first !== undefined && cpus.length < count) cpus.push(first);
    return cpus;
  };
  return () => {
    mutableOs.cpus = originalCpus;
  };
}

interface NodeWorker {
  unref(): void;
}

function isNodeWorkerList(value: unknown): value is NodeWorker[] {
  return (
    Array.isArray(value) && value.every((worker) => typeof (worker as Partial<NodeWorker> | null)?.unref === 'function')
  );
}

/**
 * Lets the process exit while the XNNPACK pool threads live: emscripten `ref()`s a worker for as
 * long as its pthread runs, and pool threads run forever, so a CLI would otherwise never exit.
 * Unref'd workers keep running; they are only not counted as pending work.
 */
export function unrefWasmWorkers(wasmModule: unknown): void {
  const pthreads: unknown = (wasmModule as { PThread?: unknown } | null)?.PThread;
  for (const key of ['runningWorkers', 'unusedWorkers']) {
    const workers: unknown = (pthreads as Record<string, unknown> | undefined)?.[key];
    if (isNodeWorkerList(workers)) for (const worker of workers) worker.unref();
  }
}

/**
 * Installs the workaround. Call before `tf.setBackend('wasm')` and after `setThreadsCount`.
 * The Blob redirection stays in place after init: emscripten spawns workers lazily if its
 * pre-spawned pool runs dry, and those need it too. It touches only the two tfjs scripts.
 */
export function installNodeWasmThreads(threads: number): NodeWasmThreadsPatch {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-forge-wasm-threads-'));
  const removeTempDir = (): void => fs.rmSync(tempDir, { recursive: true, force: true });
  process.once('exit', removeTempDir);
  const restoreBlobs = redirectScriptBlobs(tempDir);
  const restoreCpus = overReportCpus(2 * threads);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  return {
    tempDir,
    finishInit() {
      restoreCpus();
      // Every pre-spawned worker has read its scripts by the time the module is ready.
      removeTempDir();
    },
    undo() {
      restoreCpus();
      restoreBlobs();
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      process.removeListener('exit', removeTempDir);
      removeTempDir();
    },
  };
}
