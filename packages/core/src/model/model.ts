/**
 * TinyTitan: a pre-norm decoder-only transformer in tfjs ops — token embedding (+ learned positions or
 * RoPE) → blocks → final norm → head (tied to the embedding by default). One forward path serves
 * training (`forward`, `loss`) and cached decoding (`forwardStep`).
 */
import { tf } from '../backend/tf.js';
import { ForgeError } from '../errors.js';
import { Rng } from '../rng/rng.js';
import { causalMask, type AttentionStep } from './attention.js';
import { Block, sequentialBlocks, type BlockRunner } from './block.js';
import { KvCache } from './cache.js';
import { parseModelConfig, type ModelConfig, type ModelConfigInput } from './config.js';
import { applyMatrix, denseLinear, type Linear, type LinearFactory } from './linear.js';
import { crossEntropy } from './loss.js';
import { createNorm, type Norm } from './norm.js';
import { RotaryEmbedding } from './rotary.js';
import { expectedShapes } from './shapes.js';
import { normalWeight, type WeightInit } from './weights.js';

/** How a TinyTitan is built beyond its config: init seed and the pluggable linear layers and block runner. */
export interface TinyTitanOptions {
  /** Seed of the weight init; the same seed gives identical weights. Default 0. */
  readonly seed?: number;
  /** Builds every linear layer (attention, MLP, untied head). Default `denseLinear`; BitNet passes BitLinear's. */
  readonly createLinear?: LinearFactory;
  /** Passes the residual stream through the blocks. Default `sequentialBlocks`; ACT / memory runners replace it. */
  readonly blockRunner?: BlockRunner;
}

/** Options of `TinyTitan.loss`. */
export interface LossOptions {
  /** Targets equal to this id (`<pad>`) are left out of the mean. */
  readonly ignoreId?: number;
}

/**
 * How `TinyTitan.hidden` passes an embedded stream through the blocks. Every field is optional: the
 * defaults are exactly what `forward` (no cache) and `forwardStep` (with a cache) do.
 */
export interface HiddenPass {
  /** Per-layer keys/values to read and extend; the caller advances it. Default null (training). */
  readonly cache?: KvCache | null;
  /** Absolute position of the stream's first token. Default: the cache's length, or 0. */
  readonly positionOffset?: number;
  /** Additive mask `[T, past + T]` (past: the cache's length); null: every key visible. Default: causal, null for one token. */
  readonly mask?: tf.Tensor2D | null;
  /** Replaces every block's attention core; absent: core's own (fused with the native kernels). */
  readonly attend?: AttentionStep;
  /** Rotary tables used instead of the model's, for positions past `contextLength`. */
  readonly rotary?: RotaryEmbedding;
  /** How the stream passes the blocks. Default: the model's `blockRunner`; `sequentialBlocks` runs each block once. */
  readonly runner?: BlockRunner;
}

/** Weights to load, by name: what a safetensors reader returns. */
export type NamedTensors = ReadonlyMap<string, tf.Tensor> | Readonly<Record<string, tf.Tensor>>;

/**
 * @example
 * const model = new TinyTitan(MODEL_PRESETS.tiny, { seed: 1 });
 * const loss = model.loss(batch); // int32 [B, T + 1]
 * const { tokens } = await generate(model, promptIds, { maxNewTokens: 32 });
 * model.dispose();
 */
export class TinyTitan {
  /** The validated architecture, defaults filled in; saved as the checkpoint's `model` config. */
  readonly config: ModelConfig;
  /** Token embedding `[vocabSize, dModel]` (`embed.weight`); also the output head when embeddings are tied. */
  readonly embed: tf.Variable;
  /** Learned position table; null with rotary positions. */
  readonly positionEmbed: tf.Variable | null;
  /** The `nLayers` transformer blocks, in order; the block runner decides how they are applied. */
  readonly blocks: readonly Block[];
  /** Norm applied after the last block, before the head (`norm_f`). */
  readonly finalNorm: Norm;
  /** The output projection; null when tied to `embed`. */
  readonly head: Linear | null;
  /** How the residual stream passes through `blocks`: `sequentialBlocks`, or an ACT / memory runner whose weights the model owns. */
  readonly blockRunner: BlockRunner;
  private readonly rotary: RotaryEmbedding | null;
  private readonly weights: Map<string, tf.Variable>;

  constructor(config: ModelConfigInput, options: TinyTitanOptions = {}) {
    this.config = parseModelConfig(config);
    const { vocabSize, dModel, contextLength, nHeads } = this.config;
    const init: WeightInit = { rng: Rng.fromSeed(options.seed ?? 0) };
    const createLinear = options.createLinear ?? denseLinear;
    this.blockRunner = options.blockRunner ?? sequentialBlocks;
    assertRunnerNamesFree(this.blockRunner, this.config);
    this.rotary =
      this.config.positions === 'rotary'
        ? new RotaryEmbedding(dModel / nHeads, contextLength, this.config.ropeTheta)
        : null;
    this.embed = normalWeight(init, 'embed.weight', [vocabSize, dModel], this.config.initStd);
    this.positionEmbed =
      this.config.positions === 'learned'
        ? normalWeight(init, 'pos_embed.weight', [contextLength, dModel], this.config.initStd)
        : null;
    const parts = { config: this.config, rotary: this.rotary, createLinear };
    this.blocks = Array.from({ length: this.config.nLayers }, (_, index) => new Block(index, parts, init));
    this.finalNorm = createNorm('norm_f', this.config);
    this.head = this.config.tiedEmbeddings
      ? null
      : createLinear({ name: 'head', inFeatures: dModel, outFeatures: vocabSize, initStd: this.config.initStd }, init);
    this.weights = this.collectWeights();
  }

  /** Every trainable weight by HF-style name, in checkpoint order; the map is a copy, the variables are live. */
  namedWeights(): Map<string, tf.Variable> {
    return new Map(this.weights);
  }

  /** Total trainable parameters, runner weights included. */
  get parameterCount(): number {
    let total = 0;
    for (const variable of this.weights.values()) total += variable.size;
    return total;
  }

  /**
   * Copies `source` into the weights. All names must match exactly and every shape must agree;
   * nothing is assigned unless everything does. Input tensors stay owned by the caller.
   */
  loadWeights(source: NamedTensors): void {
    const tensors = source instanceof Map ? source : new Map(Object.entries(source));
    assertSameLayout(this.weights, tensors);
    tf.tidy(() => {
      for (const [name, variable] of this.weights) {
        const tensor = tensors.get(name) as tf.Tensor;
        variable.assign(tensor.dtype === 'float32' ? tensor : tf.cast(tensor, 'float32'));
      }
    });
  }

  /** Training path: logits `[B, T, V]` for int32 tokens `[B, T]`, T ≤ contextLength. */
  forward(tokens: tf.Tensor2D): tf.Tensor3D {
    return this.run(tokens, null);
  }

  /** Mean next-token cross-entropy of int32 `tokens` `[B, T + 1]`: position t predicts token t + 1. */
  loss(tokens: tf.Tensor2D, options: LossOptions = {}): tf.Scalar {
    assertTokens(tokens, 2, this.config.contextLength + 1);
    return tf.tidy(() => {
      const [batch, length] = tokens.shape;
      const inputs = tf.slice(tokens, [0, 0], [batch, length - 1]);
      const targets = tf.slice(tokens, [0, 1], [batch, length - 1]);
      return crossEntropy(this.forward(inputs), targets, options.ignoreId);
    });
  }

  /**
   * An empty KV cache for `forwardStep`, holding a pre-transposed copy of a tied head taken from the
   * weights as they are now: create a new cache after training or loading weights.
   */
  createCache(): KvCache {
    const transposedHead = this.config.tiedEmbeddings ? tf.tidy(() => tf.transpose(this.embed) as tf.Tensor2D) : null;
    return new KvCache(this.config.nLayers, this.config.contextLength, transposedHead);
  }

  /**
   * Cached decoding: logits `[B, T, V]` for `tokens` `[B, T]` placed after the `cache.length` positions
   * already in `cache`, which grows by T. Prefill with the prompt, then feed one token at a time.
   */
  forwardStep(tokens: tf.Tensor2D, cache: KvCache): tf.Tensor3D {
    if (cache.layers.length !== this.config.nLayers) {
      throw new ForgeError(`KV cache has ${cache.layers.length} layers, the model ${this.config.nLayers}`, {
        field: 'cache',
      });
    }
    const logits = this.run(tokens, cache);
    cache.advance(tokens.shape[1]);
    return logits;
  }

  /**
   * Token embeddings `[B, T, d]` of int32 `tokens` `[B, T]` whose first sits at absolute position
   * `positionOffset`, learned positions added (see `addPositions`).
   */
  embedTokens(tokens: tf.Tensor2D, positionOffset = 0): tf.Tensor3D {
    return tf.tidy(() => this.addPositions(tf.gather(this.embed, tokens) as tf.Tensor3D, positionOffset));
  }

  /**
   * Adds the learned position rows of positions `positionOffset …` to `x` `[B, T, d]`; rotary models
   * return `x` itself. Positions past the table reuse its last row (only methods that place tokens past
   * the context, such as Quiet-STaR's thoughts, reach them; `forward` checks its lengths).
   */
  addPositions(x: tf.Tensor3D, positionOffset = 0): tf.Tensor3D {
    const table = this.positionEmbed;
    if (!table) return x;
    return tf.tidy(() => {
      const { contextLength, dModel } = this.config;
      const length = x.shape[1];
      if (positionOffset + length <= contextLength)
        return tf.add(x, tf.slice(table, [positionOffset, 0], [length, dModel])) as tf.Tensor3D;
      const rows = Int32Array.from({ length }, (_, i) => Math.min(positionOffset + i, contextLength - 1));
      return tf.add(x, tf.gather(table, tf.tensor1d(rows, 'int32'))) as tf.Tensor3D;
    });
  }

  /**
   * Final-norm hidden states `[B, T, d]` of an embedded stream `x` `[B, T, d]` (from `embedTokens`):
   * what `forward` projects to logits. `pass` can swap the attention core, the rotary tables or the
   * block runner, so methods that need hidden states or their own attention use the model's blocks
   * instead of copies of them.
   */
  hidden(x: tf.Tensor3D, pass: HiddenPass = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const cache = pass.cache ?? null;
      const positionOffset = pass.positionOffset ?? cache?.length ?? 0;
      const length = x.shape[1];
      const past = cache?.length ?? 0;
      const mask = pass.mask !== undefined ? pass.mask : length > 1 ? causalMask(length, past) : null;
      const context = { positionOffset, mask, cache, attend: pass.attend, rotary: pass.rotary };
      return this.finalNorm.apply((pass.runner ?? this.blockRunner).run(x, this.blocks, context)) as tf.Tensor3D;
    });
  }

  /** Logits `[B, T, V]` of final hidden states `[B, T, d]` (from `hidden`), through the head, tied or not. */
  logits(hidden: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, length] = hidden.shape;
      return tf.reshape(this.project(hidden, null), [batch, length, this.config.vocabSize]);
    });
  }

  /** Frees every weight and kept tensor; the model is unusable afterwards. */
  dispose(): void {
    for (const variable of this.weights.values()) variable.dispose();
    this.weights.clear();
    this.rotary?.dispose();
    this.blockRunner.dispose?.();
  }

  private run(tokens: tf.Tensor2D, cache: KvCache | null): tf.Tensor3D {
    const positionOffset = cache?.length ?? 0;
    assertTokens(tokens, 1, this.config.contextLength - positionOffset);
    return tf.tidy(() => {
      const [batch, length] = tokens.shape;
      const normalised = this.hidden(this.embedTokens(tokens, positionOffset), { cache, positionOffset });
      return tf.reshape(this.project(normalised, cache?.inferenceHead ?? null), [batch, length, this.config.vocabSize]);
    });
  }

  /** Final hidden states `[B, T, dModel]` → logits `[..., V]`. */
  private project(hidden: tf.Tensor3D, transposedHead: tf.Tensor2D | null): tf.Tensor {
    if (this.head) return this.head.apply(hidden);
    if (transposedHead) return applyMatrix(hidden, transposedHead);
    // Training multiplies by the embedding variable itself so its gradient flows through the head too.
    const flat = tf.reshape(hidden, [-1, this.config.dModel]) as tf.Tensor2D;
    return tf.matMul(flat, this.embed as tf.Variable<tf.Rank.R2>, false, true);
  }

  private collectWeights(): Map<string, tf.Variable> {
    const weights = new Map<string, tf.Variable>([['embed.weight', this.embed]]);
    if (this.positionEmbed) weights.set('pos_embed.weight', this.positionEmbed);
    const parts = [...this.blocks, this.finalNorm, ...(this.head ? [this.head] : []), this.blockRunner];
    for (const part of parts) {
      for (const [name, variable] of part.weights) {
        if (weights.has(name)) throw new ForgeError(`two modules define the weight '${name}'`, { field: name });
        weights.set(name, variable);
      }
    }
    return weights;
  }
}

/** Checked before any weight is built, so a clash throws without leaking variables. */
function assertRunnerNamesFree(runner: BlockRunner, config: ModelConfig): void {
  const taken = expectedShapes(config);
  const clash = [...runner.weights.keys()].find((name) => name in taken);
  if (clash !== undefined)
    throw new ForgeError(`the block runner's weight '${clash}' has the name of a model weight`, { field: clash });
}

/** Int32 `[B, T]` with 1 ≤ T ≤ maxLength; anything else is a caller error worth a clear message. */
function assertTokens(tokens: tf.Tensor, minLength: number, maxLength: number): asserts tokens is tf.Tensor2D {
  if (tokens.rank !== 2 || tokens.dtype !== 'int32') {
    throw new ForgeError(
      `tokens must be an int32 [batch, length] tensor, got ${tokens.dtype} [${tokens.shape.join(', ')}]`,
      { field: 'tokens' },
    );
  }
  const length = tokens.shape[1] ?? 0;
  if (length < minLength || length > maxLength) {
    throw new ForgeError(`tokens length ${length} is outside [${minLength}, ${maxLength}] (context length and cache)`, {
      field: 'tokens',
    });
  }
}

/** Same names and shapes on both sides, or a ForgeError naming every difference. */
function assertSameLayout(expected: ReadonlyMap<string, tf.Variable>, actual: ReadonlyMap<string, tf.Tensor>): void {
  const problems: string[] = [];
  for (const [name, variable] of expected) {
    const tensor = actual.get(name);
    if (!tensor) problems.push(`missing '${name}'`);
    else if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
      problems.push(`'${name}' has shape [${tensor.shape.join(', ')}], expected [${variable.shape.join(', ')}]`);
    }
  }
  for (const name of actual.keys()) if (!expected.has(name)) problems.push(`unexpected '${name}'`);
  if (problems.length > 0)
    throw new ForgeError(`weights do not fit the model: ${problems.join('; ')}`, { field: 'weights' });
}
