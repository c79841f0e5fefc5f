import type { PrebuiltLevel } from './cpu-level.js';

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
  /**
   * AdamW in one pass over n elements: outM = β1·m + (1−β1)·g, outV = β2·v + (1−β2)·g²,
   * outW = w − lr·((outM/c1)/(√(outV/c2) + ε) + weightDecay·w), where c1, c2 are the bias corrections.
   */
  adamW(
    heap: Float32Array,
    w: number,
    g: number,
    m: number,
    v: number,
    outW: number,
    outM: number,
    outV: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    correction1: number,
    correction2: number,
  ): void;
  /**
   * Per row of [rows, vocab] logits: logSumExp and pick = logits[target] − logSumExp (log p(target));
   * `targets` is an offset of int32 data on the same heap; an out-of-range target picks 0.
   */
  logSoftmaxPick(
    heap: Float32Array,
    logits: number,
    targets: number,
    pick: number,
    logSumExp: number,
    rows: number,
    vocab: number,
  ): void;
  /** The gradient of `logSoftmaxPick`'s pick: grad[r] = dy[r]·(onehot(target[r]) − softmax(logits[r])). */
  logSoftmaxPickGrad(
    heap: Float32Array,
    logits: number,
    targets: number,
    logSumExp: number,
    dy: number,
    grad: number,
    rows: number,
    vocab: number,
  ): void;
  /**
   * out[o, i] = a[o, i] op b[o, i] for `outer` rows of `inner` elements; op 0 add, 1 sub, 2 mul, 3 div.
   * Each operand's layout: 0 its own [outer, inner] elements, 1 one [inner] row repeated, 2 one value
   * per row ([outer, 1]), 3 a scalar.
   */
  binary(
    heap: Float32Array,
    op: 0 | 1 | 2 | 3,
    a: number,
    b: number,
    out: number,
    outer: number,
    inner: number,
    aLayout: 0 | 1 | 2 | 3,
    bLayout: 0 | 1 | 2 | 3,
  ): void;
  /**
   * RMSNorm or LayerNorm over rows of `width`: y = x̂·gain (+ bias); saves each row's mean (0 for RMSNorm)
   * and rstd = 1/√(var + eps). `bias` is -1 for none.
   */
  normForward(
    heap: Float32Array,
    x: number,
    gain: number,
    bias: number,
    y: number,
    mean: number,
    rstd: number,
    rows: number,
    width: number,
    layerNorm: boolean,
    eps: number,
  ): void;
  /** The norm's gradients dx, dgain and (LayerNorm; -1 for none) dbias from dy and the saved mean and rstd. */
  normBackward(
    heap: Float32Array,
    x: number,
    gain: number,
    mean: number,
    rstd: number,
    dy: number,
    dx: number,
    dgain: number,
    dbias: number,
    rows: number,
    width: number,
    layerNorm: boolean,
  ): void;
  /** op 0: out = gelu(a) (tanh form, b = -1); op 1: out = silu(a)·b (SwiGLU: a the gate, b the up projection). */
  activation(heap: Float32Array, op: 0 | 1, a: number, b: number, out: number, n: number): void;
  /** The activation's gradients: da, and db for SwiGLU (-1 for GELU), from dy. */
  activationGrad(
    heap: Float32Array,
    op: 0 | 1,
    a: number,
    b: number,
    dy: number,
    da: number,
    db: number,
    n: number,
  ): void;
  /**
   * RoPE (rotate-half layout) over `rows` rows of `width` values: out = x·cos + rotate_half(x)·sin, row r
   * reading table row r mod `length` of the [length, width] `cos`/`sin`; `inverse` gives the gradient
   * (dx = dy·cos − rotate_half(dy·sin)).
   */
  rope(
    heap: Float32Array,
    x: number,
    cos: number,
    sin: number,
    out: number,
    rows: number,
    length: number,
    width: number,
    inverse: boolean,
  ): void;
  /** out[r] = softmax(x[r]) for each of `rows` rows of `cols` values; `out` may equal `x`. */
  softmax(heap: Float32Array, x: number, out: number, rows: number, cols: number): void;
  /** Attention's probabilities: out[r] = softmax(scale·scores[r] + mask[r mod maskRows]); `mask` -1 for none. */
  scaledSoftmax(
    heap: Float32Array,
    scores: number,
    mask: number,
    out: number,
    rows: number,
    cols: number,
    maskRows: number,
    scale: number,
  ): void;
  /** Its gradient with respect to the scores: scale·p·(dy − Σ dy·p) per row. */
  scaledSoftmaxGrad(
    heap: Float32Array,
    probs: number,
    dy: number,
    grad: number,
    rows: number,
    cols: number,
    scale: number,
  ): void;
  /**
   * BitNet b1.58's packed ternary product: each of `rows` rows of x (k floats) is normed (parameter-free
   * RMSNorm when `rmsNorm`) and quantized per token by absmax to signed `bits`-bit integers (2..8), then
   * out[r, j] = Σ_i level[r, i] · W_q[i, j] · scale / rowScale[r]. `x` and `out` are heap offsets; `weights`
   * is its own buffer (read in place) of n rows of ⌈k / 128⌉ · 32 bytes: per 128 inputs of one output, byte b holds inputs b, b+32, b+64, b+96 in
   * bits 0-1, 2-3, 4-5, 6-7 as value + 1 (the `ternary-i2-rows-v1` layout of `@agent-forge/core`).
   */
  ternaryMatMul(
    heap: Float32Array,
    x: number,
    out: number,
    weights: Uint8Array,
    rows: number,
    k: number,
    n: number,
    scale: number,
    bits: number,
    rmsNorm: boolean,
    normEps: number,
  ): void;
  /** out = x with axes permuted (output axis i is input axis perm[i]); rank 1..8. */
  transpose(heap: Float32Array, x: number, out: number, shape: Int32Array, perm: Int32Array): void;
  /** out[i] = f(x[i]) for n elements; op 0 tanh, 1 sigmoid, 2 exp. `out` may equal `x`. */
  unary(heap: Float32Array, op: 0 | 1 | 2, x: number, out: number, n: number): void;
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
  /** The CPU it was compiled for (`-march=native` unless FORGE_NATIVE_MARCH said otherwise), when it was. */
  march?: string;
}

/** Which addon binary was loaded, and why that one. */
export interface NativeBinary {
  /** `local`: compiled at install for this CPU (-march=native); `prebuilt`: shipped in the package. */
  source: 'local' | 'prebuilt';
  /** The prebuilt binary's x86-64 level (x86-64-v4, -v3 or -v2); absent for a local build. */
  level?: PrebuiltLevel;
  /** The file loaded. */
  file: string;
  /** For a local build: the CPU it was compiled for (`-march=native` by default). */
  march?: string;
  /** For a prebuilt binary: why there is no local build (the install step's reason). */
  why?: string;
  /** All of the above in one line for `forge info`, e.g. "prebuilt x86-64-v3 (no local build: …)". */
  summary: string;
}

/** The addon, or why it cannot be used. */
export type NativeLoadResult =
  | { ok: true; kernels: NativeKernels; info: NativeKernelsInfo; binary: NativeBinary }
  | { ok: false; reason: string };
