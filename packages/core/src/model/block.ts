/**
 * One pre-norm transformer block, `x + attn(norm x)` then `x + mlp(norm x)`, and the `BlockRunner`
 * that decides how the residual stream passes through the blocks. The default runner applies each block
 * once, in order; ACT (a halting unit that repeats blocks per token) and a Titans-style long-term memory
 * (read/written between blocks) are runners too, so they plug in without changing the block.
 */
import { tf } from '../backend/tf.js';
import { CausalSelfAttention, type AttentionStep } from './attention.js';
import type { KvCache } from './cache.js';
import type { ModelConfig } from './config.js';
import type { LinearFactory } from './linear.js';
import { Mlp } from './mlp.js';
import { createNorm, type Norm } from './norm.js';
import type { RotaryEmbedding } from './rotary.js';
import { blockPrefix } from './shapes.js';
import { mergeWeights, type WeightInit, type NamedVariables } from './weights.js';

/** What every block call in one forward pass shares. */
export interface BlockContext {
  /** Absolute position of the first input token (the KV cache length; 0 in training). */
  readonly positionOffset: number;
  /** Additive causal mask `[T, positionOffset + T]`, or null for a single token, which sees every key. */
  readonly mask: tf.Tensor2D | null;
  /** Per-layer keys/values during incremental decoding; null in training. */
  readonly cache: KvCache | null;
  /** Replaces every block's attention core (hidden-state methods such as Quiet-STaR); absent: core's own. */
  readonly attend?: AttentionStep;
  /** Rotary tables used instead of the model's (positions past the context); absent: the model's. */
  readonly rotary?: RotaryEmbedding;
}

/** What a block is built from. */
export interface BlockParts {
  /** The model config (widths, heads, norm and MLP kinds). */
  readonly config: ModelConfig;
  /** The shared rotary embedding, or null for learned positions. */
  readonly rotary: RotaryEmbedding | null;
  /** Makes every linear layer (extensions such as BitNet or LoRA replace it). */
  readonly createLinear: LinearFactory;
}

/** One pre-norm transformer block: `x + attn(norm x)`, then `x + mlp(norm x)`. */
export class Block {
  /** Weight-name prefix, `blocks.<index>`. */
  readonly name: string;
  /** Norm before attention (`<name>.attn_norm`). */
  readonly attentionNorm: Norm;
  /** The block's self-attention (`<name>.attn`). */
  readonly attention: CausalSelfAttention;
  /** Norm before the MLP (`<name>.mlp_norm`). */
  readonly mlpNorm: Norm;
  /** The block's position-wise MLP (`<name>.mlp`). */
  readonly mlp: Mlp;
  /** Every weight of the block by full name, e.g. `blocks.0.attn.q.weight`. */
  readonly weights: NamedVariables;

  constructor(
    /** 0-based depth of the block; picks its weight prefix and its slot of the KV cache. */
    readonly index: number,
    parts: BlockParts,
    init: WeightInit,
  ) {
    const { config, rotary, createLinear } = parts;
    this.name = blockPrefix(index);
    // GPT-2: projections that write into the residual stream shrink with depth so its variance stays ~1.
    const outputInitStd = config.initStd / Math.sqrt(2 * config.nLayers);
    const common = { dModel: config.dModel, initStd: config.initStd, outputInitStd, createLinear };
    this.attentionNorm = createNorm(`${this.name}.attn_norm`, config);
    this.attention = new CausalSelfAttention(
      { ...common, name: `${this.name}.attn`, nHeads: config.nHeads, rotary },
      init,
    );
    this.mlpNorm = createNorm(`${this.name}.mlp_norm`, config);
    this.mlp = new Mlp({ ...common, name: `${this.name}.mlp`, kind: config.mlp, dFF: config.dFF }, init);
    this.weights = mergeWeights(this.attentionNorm, this.attention, this.mlpNorm, this.mlp);
  }

  /** `[B, T, dModel] → [B, T, dModel]`; `cache` is this layer's slot of `context.cache`, if any. */
  apply(x: tf.Tensor3D, context: BlockContext, cache = context.cache?.layers[this.index] ?? null): tf.Tensor3D {
    return tf.tidy(() => {
      const { positionOffset, mask, attend, rotary } = context;
      const call = { positionOffset, mask, cache, attend, rotary, layer: this.index };
      const afterAttention = tf.add(x, this.attention.apply(this.attentionNorm.apply(x) as tf.Tensor3D, call));
      return tf.add(afterAttention, this.mlp.apply(this.mlpNorm.apply(afterAttention)));
    });
  }
}

/**
 * How the residual stream passes through the blocks — the extension point for ACT and long-term memory.
 * A runner may apply blocks several times (ACT pondering) or mix in a memory read between them; weights
 * it owns (a halting unit, memory parameters) go in `weights` and become part of the model's
 * `namedWeights()`, so checkpoints and the optimizer see them.
 */
export interface BlockRunner {
  /** Weights the runner owns (halting unit, memory) by full name; empty for `sequentialBlocks`. Names must not clash with model weights. */
  readonly weights: NamedVariables;
  /** Pass the embedded stream `[B, T, dModel]` through `blocks` and return the stream `[B, T, dModel]` for the final norm. */
  run(x: tf.Tensor3D, blocks: readonly Block[], context: BlockContext): tf.Tensor3D;
  /** Frees tensors the runner keeps (memory state); the model calls it from its own dispose. */
  dispose?(): void;
}

/** The plain transformer: every block once, in order. */
export const sequentialBlocks: BlockRunner = {
  weights: new Map(),
  run: (x, blocks, context) => blocks.reduce((stream, block) => block.apply(stream, context), x),
};
