/**
 * Picks, initialises and activates the engine backend, once per process.
 */
import os from 'node:os';
import { ForgeError } from '../errors.js';
import { activateCpu } from './cpu.js';
import { activateNative, NATIVE_BACKEND_PACKAGE, type NativeBackendChoice } from './native.js';
import type { NativeKernelsState } from './native-kernels.js';
import { tf } from './tf.js';
import { activateWasm } from './wasm.js';

/** What a caller may ask for; 'auto' tries the others in order. */
export type BackendPreference = 'auto' | BackendChoice;
/** A concrete backend. 'tensorflow-gpu' and 'tensorflow' need optional packages. */
export type BackendChoice = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** Order for 'auto': fastest first. */
export const AUTO_BACKEND_ORDER: readonly BackendChoice[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
const PREFERENCES: readonly BackendPreference[] = ['auto', ...AUTO_BACKEND_ORDER];

/** Options of `initBackend`; both may be left out. */
export interface InitBackendOptions {
  /** Which backend to use; default: the `FORGE_BACKEND` env var, else 'auto'. */
  prefer?: BackendPreference;
  /**
   * wasm threads; default os.cpus().length. Measured on the 2-vCPU dev VM (README.md here): 2
   * threads lift a 1024³ matmul from ~28 to ~45 GFLOP/s, and on an idle machine cut a small-model
   * training step ~1.2× (715 → 594 ms, research); but with other work on the box the same step got
   * ~2× slower (≈700–820 → ≈1400–1550 ms), the pool's second thread being descheduled at every op.
   * Pass 1 on a shared 2-core machine and for token-by-token decoding.
   */
  threads?: number;
}

/** What `initBackend` settled on: the backend, its threading, and why others were skipped. */
export interface BackendInfo {
  /** The backend in use. */
  choice: BackendChoice;
  /** The tfjs backend name ('tensorflow' for both native packages). */
  tfjsBackend: string;
  /** What was asked for, and where the request came from. */
  requested: BackendPreference;
  /** Where `requested` came from: the `prefer` option, the `FORGE_BACKEND` env var, or the 'auto' default. */
  requestedBy: 'option' | 'env' | 'default';
  /** Compute threads: the native kernels' on wasm when they are active, else wasm's XNNPACK pool; 1 for cpu; undefined for libtensorflow (it decides). */
  threads: number | undefined;
  /** WebAssembly SIMD in use (wasm only). */
  simd: boolean;
  /** True when the Node wasm-threads workaround is active. */
  threadsWorkaround: boolean;
  /** Why the threads workaround is not active, when wasm runs single-threaded. */
  threadsWorkaroundSkipped?: string;
  /** The native kernel addon (wasm backend only): whether its kernels run, and why not. */
  nativeKernels: NativeKernelsState;
  /** Backends tried before this one, and why each was passed over. */
  skipped: {
    /** The backend that was passed over. */
    choice: BackendChoice;
    /** Why, e.g. its optional package is not installed or it failed to initialise. */
    reason: string;
  }[];
}

/** The one initialisation of this process, shared by concurrent callers. */
let activeReady: Promise<BackendInfo> | undefined;
let activeInfo: BackendInfo | undefined;

function resolvePreference(options: InitBackendOptions): {
  requested: BackendPreference;
  requestedBy: BackendInfo['requestedBy'];
} {
  if (options.prefer !== undefined)
    return { requested: checkPreference(options.prefer, 'prefer'), requestedBy: 'option' };
  const fromEnv = process.env['FORGE_BACKEND'];
  if (fromEnv !== undefined && fromEnv !== '')
    return { requested: checkPreference(fromEnv, 'FORGE_BACKEND'), requestedBy: 'env' };
  return { requested: 'auto', requestedBy: 'default' };
}

function checkPreference(value: string, source: string): BackendPreference {
  const preference = PREFERENCES.find((candidate) => candidate === value);
  if (preference === undefined) {
    throw new ForgeError(`unknown backend '${value}' in ${source}; expected one of ${PREFERENCES.join(', ')}`, {
      field: source === 'prefer' ? 'prefer' : undefined,
    });
  }
  return preference;
}

export function resolveThreads(threads: number | undefined): number {
  if (threads === undefined) return Math.max(1, os.cpus().length);
  if (!Number.isInteger(threads) || threads < 1)
    throw new ForgeError(`threads must be a positive integer, got ${threads}`, { field: 'threads' });
  return threads;
}

const WASM_ONLY: NativeKernelsState = { active: false, reason: 'the native kernels serve the wasm backend only' };

export type Attempt =
  | { ok: true; info: Omit<BackendInfo, 'requested' | 'requestedBy' | 'skipped'> }
  | { ok: false; notInstalled: boolean; reason: string };

/** Activates one backend (initialising it the first time); never throws. Internal to the backend module. */
export async function activateBackend(choice: BackendChoice, threads: number): Promise<Attempt> {
  try {
    if (choice === 'cpu') {
      await activateCpu();
      return {
        ok: true,
        info: {
          choice,
          tfjsBackend: 'cpu',
          threads: 1,
          simd: false,
          threadsWorkaround: false,
          nativeKernels: WASM_ONLY,
        },
      };
    }
    if (choice === 'wasm') {
      const { threadsWorkaroundSkipped, ...wasm } = await activateWasm(threads);
      return {
        ok: true,
        info: {
          choice,
          tfjsBackend: 'wasm',
          ...wasm,
          ...(threadsWorkaroundSkipped === undefined ? {} : { threadsWorkaroundSkipped }),
        },
      };
    }
    const native = await activateNative(choice);
    if (!native.ok) return native;
    return {
      ok: true,
      info: {
        choice,
        tfjsBackend: tf.getBackend(),
        threads: undefined,
        simd: false,
        threadsWorkaround: false,
        nativeKernels: WASM_ONLY,
      },
    };
  } catch (error) {
    return { ok: false, notInstalled: false, reason: `${choice} failed to initialise: ${String(error)}` };
  }
}

export function forcedFailure(
  choice: BackendChoice,
  failure: { notInstalled: boolean; reason: string },
  requestedBy: string,
): ForgeError {
  const source = requestedBy === 'env' ? ` (FORGE_BACKEND=${choice})` : '';
  const packageName =
    choice === 'wasm'
      ? '@tensorflow/tfjs-backend-wasm@4.22.0'
      : choice === 'cpu'
        ? '@tensorflow/tfjs@4.22.0'
        : NATIVE_BACKEND_PACKAGE[choice as NativeBackendChoice];
  const action = failure.notInstalled
    ? `install it: npm install ${packageName}`
    : `check that ${packageName} is installed correctly for this platform and Node version`;
  return new ForgeError(
    `backend '${choice}' was requested${source} but ${failure.reason}; ${action}, or use FORGE_BACKEND=auto`,
  );
}

async function initialise(
  requested: BackendPreference,
  requestedBy: BackendInfo['requestedBy'],
  threads: number,
): Promise<BackendInfo> {
  const candidates = requested === 'auto' ? AUTO_BACKEND_ORDER : [requested];
  const skipped: BackendInfo['skipped'] = [];
  for (const choice of candidates) {
    const result = await activateBackend(choice, threads);
    if (result.ok) return { ...result.info, requested, requestedBy, skipped };
    if (requested !== 'auto') throw forcedFailure(choice, result, requestedBy);
    skipped.push({ choice, reason: result.reason });
  }
  throw new ForgeError(`no backend could be initialised: ${skipped.map((s) => `${s.choice}: ${s.reason}`).join('; ')}`);
}

/**
 * Initialises the engine backend: `prefer` (or `FORGE_BACKEND`), else 'auto' — tfjs-node-gpu,
 * tfjs-node, wasm, cpu, the first that is installed and works. Idempotent: later calls return the
 * same info and re-activate that backend if a test switched away; asking for a different backend
 * afterwards is an error (use `useBackend` for a temporary switch).
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const { requested, requestedBy } = resolvePreference(options);
  if (activeReady !== undefined) {
    const info = await activeReady;
    if (requested !== 'auto' && requested !== info.choice) {
      throw new ForgeError(
        `backend already initialised as '${info.choice}'; cannot switch to '${requested}' (use useBackend for a temporary switch)`,
      );
    }
    if (tf.getBackend() !== info.tfjsBackend) await tf.setBackend(info.tfjsBackend);
    return info;
  }
  const ready = initialise(requested, requestedBy, resolveThreads(options.threads));
  activeReady = ready;
  try {
    activeInfo = await ready;
    return activeInfo;
  } catch (error) {
    // A failed attempt (e.g. a forced backend that is not installed) must not poison later calls.
    if (activeReady === ready) activeReady = undefined;
    throw error;
  }
}

/** The info of the initialised backend, or undefined before `initBackend` has finished. */
export function initialisedBackend(): BackendInfo | undefined {
  return activeInfo;
}
