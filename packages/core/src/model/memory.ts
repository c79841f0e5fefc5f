/**
 * Titans-style long-term neural memory (Behrouz, Zhong & Mirrokni 2024, https://arxiv.org/abs/2501.00663).
 * The memory is a linear map W `[dim, dim]` per sequence (the paper's L_M = 1 memory: "q·W" retrieval is
 * the fast-weight / linear-attention case), trained at test time by gradient descent on the associative
 * loss ℓ_t = ‖k_t W − v_t‖², with k, v, q L2-normalised projections of the RMS-normed stream.
 *
 * Per chunk c of `chunkSize` tokens (the paper's parallel form: gradients w.r.t. the chunk-start memory):
 *   G_c = Σ_{t∈c} θ_t · g_t · ∇_W ℓ_t(W_{c−1}),   ∇_W ℓ_t = 2 k_tᵀ (k_t W − v_t)   (closed form, no nested autograd)
 *   S_c = η_c S_{c−1} − G_c                       (surprise with momentum: past decays by η, momentary scaled by θ)
 *   W_c = (1 − α_c) W_{c−1} + S_c                  (forgetting gate α)
 * θ_t = maxLearningRate·σ(x̂_t w_θ + b_θ) per token; η_c = σ(·), α_c = floor + (1 − floor)·σ(·) from the chunk's
 * mean x̂ (titans-pytorch reduces a chunk to its mean for these). Tokens of chunk c read with W_{c−1}, so the
 * read is causal. A chunk cut short by the end of a call stays open in the state and is committed when a
 * later call completes it: cached decoding sees exactly the memory the full forward sees.
 *
 * Project additions, not Titans: the surprise gate g_t = [s_t > surpriseThreshold] with the relative
 * retrieval error s_t = ‖k_t W − v_t‖ = ‖∇ℓ_t‖ / (2‖k_t‖‖v_t‖) (unit k, v), and `capacity`, a retention
 * horizon in tokens that floors α at chunkSize / capacity, so a write fades by ≥ e⁻¹ within `capacity` tokens.
 */
import { tf } from '../backend/tf.js';
import type { ModelConfig } from './config.js';
import { createNorm, type Norm } from './norm.js';
import { constantWeight, mergeWeights, normalWeight, type NamedVariables, type WeightInit } from './weights.js';

/** The memory's runtime hyperparameters (none of them shapes a weight); a TitanRunner passes its `memory` settings. */
export interface MemorySettings {
  /** Tokens per memory update (the paper's chunk / mini-batch). */
  readonly chunkSize: number;
  /** Retention horizon in tokens (project addition): α ≥ chunkSize / capacity. */
  readonly capacity: number;
  /** Write only tokens whose relative retrieval error exceeds this (project addition; 0 = Titans). */
  readonly surpriseThreshold: number;
  /** Upper bound of the data-dependent step size θ. */
  readonly maxLearningRate: number;
}

/** One memory per batch row, plus the chunk still open at the end of the last call. */
export interface MemoryState {
  /** Committed memory W `[B, dim, dim]`: what the open chunk reads. */
  readonly memory: tf.Tensor3D;
  /** Surprise with momentum S `[B, dim, dim]`. */
  readonly momentum: tf.Tensor3D;
  /** Σ θ·g·∇ℓ of the open chunk, null when none is open. */
  readonly pendingGradient: tf.Tensor3D | null;
  /** Σ x̂ of the open chunk (for η and α), null when none is open. */
  readonly pendingInputSum: tf.Tensor2D | null;
  /** Absolute position of the next token. */
  readonly position: number;
}

/** What `NeuralMemory.scan` produced for one call. */
export interface MemoryScan {
  /** Memory reads projected back to the stream, `[B, T, dModel]`. */
  readonly read: tf.Tensor3D;
  /** The state after the call, to pass to the next call (cached decoding) or dispose. */
  readonly state: MemoryState;
  /** Tokens the surprise gate let write, as a scalar. */
  readonly writes: tf.Scalar;
  /** Relative retrieval error s_t of every token, `[B, T]`, against the memory it read. */
  readonly surprise: tf.Tensor2D;
}

interface Projected {
  readonly normed: tf.Tensor3D;
  readonly keys: tf.Tensor3D;
  readonly values: tf.Tensor3D;
  readonly queries: tf.Tensor3D;
  /** θ_t `[B, T]`. */
  readonly stepSizes: tf.Tensor2D;
}

function unitRows(x: tf.Tensor3D): tf.Tensor3D {
  return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), -1, true), 1e-6)));
}

/** `[B, T, in] · [in, out]`. */
function project3d(x: tf.Tensor3D, weight: tf.Variable): tf.Tensor3D {
  const [batch, length, width] = x.shape;
  const flat = tf.matMul(tf.reshape(x, [batch * length, width]) as tf.Tensor2D, weight as tf.Variable<tf.Rank.R2>);
  return tf.reshape(flat, [batch, length, weight.shape[1] ?? 1]) as tf.Tensor3D;
}

/** A scalar gate σ(x·w + b) per row of `[N, dModel]` → `[N, 1]`. */
export class ScalarGate {
  /** w, `[dModel, 1]`. */
  readonly weight: tf.Variable;
  /** b, `[1]`. */
  readonly bias: tf.Variable;
  /** Both variables under their checkpoint names (`<name>.weight`, `<name>.bias`). */
  readonly weights: NamedVariables;

  /** A gate named `name` over `dModel` inputs: w drawn with std `std`, b set to `bias`. */
  constructor(name: string, dModel: number, std: number, bias: number, init: WeightInit) {
    this.weight = normalWeight(init, `${name}.weight`, [dModel, 1], std);
    this.bias = constantWeight([1], bias);
    this.weights = new Map([
      [`${name}.weight`, this.weight],
      [`${name}.bias`, this.bias],
    ]);
  }

  /** σ(x·w + b) for rows x `[N, dModel]`: `[N, 1]`. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.sigmoid(tf.add(tf.matMul(x, this.weight as tf.Variable<tf.Rank.R2>), this.bias)) as tf.Tensor2D;
  }
}

/** The Titans long-term memory layer: projections, gates and the learned initial memory W_0; `scan` reads and writes it. */
export class NeuralMemory {
  /** RMS/LayerNorm of the stream before projection (`<name>.norm`). */
  readonly norm: Norm;
  /** Key projection `[dModel, dim]` (`<name>.key.weight`). */
  readonly key: tf.Variable;
  /** Value projection `[dModel, dim]` (`<name>.value.weight`). */
  readonly value: tf.Variable;
  /** Query projection `[dModel, dim]` (`<name>.query.weight`). */
  readonly query: tf.Variable;
  /** Output projection of reads `[dim, dModel]` (`<name>.out.weight`), back into the residual stream. */
  readonly out: tf.Variable;
  /** W_0: the learned initial memory every sequence starts from. */
  readonly initial: tf.Variable;
  /** Gate of the per-token inner step size θ, scaled by `maxLearningRate` (`<name>.lr`). */
  readonly stepSize: ScalarGate;
  /** Gate of the per-chunk momentum decay η (`<name>.momentum`). */
  readonly momentumGate: ScalarGate;
  /** Gate of the per-chunk forgetting α, floored at chunkSize / capacity (`<name>.forget`). */
  readonly forgetGate: ScalarGate;
  /** Every weight of the memory by checkpoint name. */
  readonly weights: NamedVariables;

  constructor(
    /** Weight-name prefix, e.g. `memory`. */
    readonly name: string,
    config: ModelConfig,
    /** Width of keys, values, queries and of the memory matrix `[dim, dim]`. */
    readonly dim: number,
    init: WeightInit,
  ) {
    const { dModel, initStd } = config;
    this.norm = createNorm(`${name}.norm`, config);
    this.key = normalWeight(init, `${name}.key.weight`, [dModel, dim], initStd);
    this.value = normalWeight(init, `${name}.value.weight`, [dModel, dim], initStd);
    this.query = normalWeight(init, `${name}.query.weight`, [dModel, dim], initStd);
    // Writes into the residual stream, so it shrinks with depth like the blocks' output projections.
    this.out = normalWeight(init, `${name}.out.weight`, [dim, dModel], initStd / Math.sqrt(2 * config.nLayers));
    this.initial = normalWeight(init, `${name}.init.weight`, [dim, dim], 1 / Math.sqrt(dim));
    // Biases: θ starts at half its bound, η at 0.5, α near 0.02 per chunk (forget slowly at first).
    this.stepSize = new ScalarGate(`${name}.lr`, dModel, initStd, 0, init);
    this.momentumGate = new ScalarGate(`${name}.momentum`, dModel, initStd, 0, init);
    this.forgetGate = new ScalarGate(`${name}.forget`, dModel, initStd, -4, init);
    const projections = {
      weights: new Map([
        [`${name}.key.weight`, this.key],
        [`${name}.value.weight`, this.value],
        [`${name}.query.weight`, this.query],
        [`${name}.out.weight`, this.out],
        [`${name}.init.weight`, this.initial],
      ]),
    };
    this.weights = mergeWeights(this.norm, projections, this.stepSize, this.momentumGate, this.forgetGate);
  }

  /** A fresh state: every row starts from W_0 with zero momentum. */
  initialState(batch: number): MemoryState {
    const memory = tf.tidy(() => tf.tile(tf.expandDims(this.initial, 0), [batch, 1, 1]) as tf.Tensor3D);
    const momentum = tf.zeros([batch, this.dim, this.dim]) as tf.Tensor3D;
    return { memory, momentum, pendingGradient: null, pendingInputSum: null, position: 0 };
  }

  /**
   * Reads and writes `x` `[B, T, dModel]` (positions `state.position …`), chunk by chunk. Not wrapped
   * in a tidy: the caller's tidy owns the intermediates, and a caller that keeps `state` keeps its tensors.
   */
  scan(x: tf.Tensor3D, state: MemoryState, settings: MemorySettings): MemoryScan {
    const projected = this.project(x, settings);
    const length = x.shape[1];
    const reads: tf.Tensor3D[] = [];
    const surprises: tf.Tensor2D[] = [];
    let writes = tf.scalar(0);
    let current = state;
    for (let start = 0; start < length; ) {
      const open = current.position % settings.chunkSize;
      const size = Math.min(settings.chunkSize - open, length - start);
      const segment = this.storeSegment(projected, start, size, current, settings);
      reads.push(segment.read as tf.Tensor3D);
      surprises.push(segment.surprise);
      writes = tf.add(writes, segment.writes);
      current = open + size === settings.chunkSize ? this.commit(segment.state, settings) : segment.state;
      start += size;
    }
    const read = project3d(reads.length === 1 ? (reads[0] as tf.Tensor3D) : tf.concat(reads, 1), this.out);
    return { read, state: current, writes, surprise: tf.concat(surprises, 1) };
  }

  private project(x: tf.Tensor3D, settings: MemorySettings): Projected {
    const [batch, length, width] = x.shape;
    const normed = this.norm.apply(x) as tf.Tensor3D;
    const flat = tf.reshape(normed, [batch * length, width]) as tf.Tensor2D;
    const stepSizes = tf.reshape(tf.mul(this.stepSize.apply(flat), settings.maxLearningRate), [
      batch,
      length,
    ]) as tf.Tensor2D;
    return {
      normed,
      keys: unitRows(project3d(normed, this.key)),
      values: unitRows(project3d(normed, this.value)),
      queries: unitRows(project3d(normed, this.query)),
      stepSizes,
    };
  }

  /** Reads tokens `[start, start + size)` with the committed memory and adds their gradients to the open chunk. */
  private storeSegment(
    projected: Projected,
    start: number,
    size: number,
    state: MemoryState,
    settings: MemorySettings,
  ) {
    const slice3 = (t: tf.Tensor3D) => tf.slice(t, [0, start, 0], [-1, size, -1]);
    const keys = slice3(projected.keys);
    const read = tf.matMul(slice3(projected.queries), state.memory);
    const error = tf.sub(tf.matMul(keys, state.memory), slice3(projected.values));
    const surprise = tf.sqrt(tf.add(tf.sum(tf.square(error), -1), 1e-12)) as tf.Tensor2D;
    // tf.step has a zero gradient: the gate is a hard decision, like a threshold should be.
    const gate = tf.step(tf.sub(surprise, settings.surpriseThreshold));
    const weight = tf.mul(gate, tf.slice(projected.stepSizes, [0, start], [-1, size]));
    const gradient = tf.mul(tf.matMul(keys, tf.mul(error, tf.expandDims(weight, -1)), true, false), 2) as tf.Tensor3D;
    const inputSum = tf.sum(slice3(projected.normed), 1) as tf.Tensor2D;
    const next: MemoryState = {
      ...state,
      pendingGradient: state.pendingGradient ? (tf.add(state.pendingGradient, gradient) as tf.Tensor3D) : gradient,
      pendingInputSum: state.pendingInputSum ? (tf.add(state.pendingInputSum, inputSum) as tf.Tensor2D) : inputSum,
      position: state.position + size,
    };
    return { read, state: next, writes: tf.sum(gate) as tf.Scalar, surprise };
  }

  /** Closes the open chunk: momentum, forgetting, new committed memory. */
  private commit(state: MemoryState, settings: MemorySettings): MemoryState {
    if (!state.pendingGradient || !state.pendingInputSum) return state;
    const mean = tf.div(state.pendingInputSum, settings.chunkSize) as tf.Tensor2D;
    const eta = tf.reshape(this.momentumGate.apply(mean), [-1, 1, 1]);
    const floor = Math.min(1, settings.chunkSize / settings.capacity);
    const alpha = tf.reshape(tf.add(floor, tf.mul(1 - floor, this.forgetGate.apply(mean))), [-1, 1, 1]);
    const momentum = tf.sub(tf.mul(eta, state.momentum), state.pendingGradient) as tf.Tensor3D;
    const memory = tf.add(tf.mul(tf.sub(1, alpha), state.memory), momentum) as tf.Tensor3D;
    return { memory, momentum, pendingGradient: null, pendingInputSum: null, position: state.position };
  }
}
