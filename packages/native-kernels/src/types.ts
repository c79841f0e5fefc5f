/** What the addon reports about itself. */
export interface NativeKernelsInfo {
  /** The widest vector instructions it was compiled for: avx512, avx2, avx, neon or baseline. */
  simd: string;
  /** The Eigen version it was compiled against. */
  eigen: string;
  /** Threads its kernels use now (`setThreads`). */
  threads: number;
  /** Hardware threads on this machine (std::thread::hardware_concurrency). */
  maxThreads: number;
}

/**
 * The addon's kernels. Each works in place on one Float32Array over the caller's memory (the wasm
 * heap) at element offsets; ranges are checked against the array's length.
 */
export interface NativeKernels {
  /**
   * out[i] = op(A[aSlices[i]]) · op(B[bSlices[i]]) for every i: op(A) is [m, k], op(B) is [k, n], out
   * slices [m, n], all row-major; `transA`/`transB` read A as [k, m] / B as [n, k].
   */
  batchMatMul(
    heap: Float32Array,
    aOffset: number,
    bOffset: number,
    outOffset: number,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    aSlices: Int32Array,
    bSlices: Int32Array,
  ): void;
  /** Threads every later kernel uses (the caller's plus a pool of workers). */
  setThreads(threads: number): void;
  /** What the addon was built for and uses. */
  info(): NativeKernelsInfo;
}

/** What the install step wrote to build/status.json. */
export interface NativeBuildStatus {
  /** Whether the addon was built. */
  built: boolean;
  /** Why not, when it was not. */
  reason?: string;
}

/** The addon, or why it cannot be used. */
export type NativeLoadResult = { ok: true; kernels: NativeKernels; info: NativeKernelsInfo } | { ok: false; reason: string };
