/**
 * The small decoder of the Grokfast modular-arithmetic experiment: token + learned position
 * embeddings, 2 pre-norm blocks (LayerNorm, causal multi-head attention, GELU MLP ×4), final
 * LayerNorm and an untied head. Loss and accuracy score only the answer token, predicted from the
 * '=' position. Kept apart from TinyTitan on purpose: this is the paper's architecture, not ours.
 *
 * One quirk of the reference is kept: each block's residual stream continues from the *normalised*
 * input (x ← LN(x); x ← x + attn(x)), not from the raw one.
 */
import { Rng, layerNormOp, tf } from '@agent-forge/core';
import type { Scalar, Tensor, Tensor2D, Variable } from '@agent-forge/core';

/** Shape of the modular-arithmetic decoder. */
export interface ModularModelConfig {
  /** Tokens: p numbers plus '=' and the operator (`modularVocab(p).size` = p + 2). */
  vocabSize: number;
  /** Input tokens per equation: a, op, b, '='. */
  inputLength: number;
  /** Residual width d (paper 128); the MLP is 4d wide and d must divide by `nHeads`. */
  dModel: number;
  /** Pre-norm decoder blocks (paper 2). */
  nLayers: number;
  /** Attention heads per block (paper 4). */
  nHeads: number;
}

/** The paper's model: width 128, 2 layers, 4 heads. */
export const PAPER_MODEL = {
  /** Embedding and residual width, 128; each head gets 128 / 4 = 32 dimensions. */
  dModel: 128,
  /** Two pre-norm decoder blocks. */
  nLayers: 2,
  /** Four attention heads per block. */
  nHeads: 4,
} as const;

function uniform(rng: Rng, name: string, shape: number[], bound: number): Variable {
  const seed = rng.fork(name).seed();
  return tf.tidy(() => tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed)));
}

function normal(rng: Rng, name: string, shape: number[]): Variable {
  const seed = rng.fork(name).seed();
  return tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', seed)));
}

const filled = (shape: number[], value: number): Variable =>
  tf.tidy(() => tf.variable(tf.fill(shape, value, 'float32')));

/** PyTorch's default inits: N(0, 1) embeddings, U(±1/√fan_in) linears, Xavier attention input. */
function initWeights(config: ModularModelConfig, seed: number): Map<string, Variable> {
  const { vocabSize, inputLength, dModel: d } = config;
  const rng = Rng.fromSeed(seed);
  const weights = new Map<string, Variable>([
    ['tok.weight', normal(rng, 'tok', [vocabSize, d])],
    ['pos.weight', normal(rng, 'pos', [inputLength, d])],
  ]);
  for (let layer = 0; layer < config.nLayers; layer++) {
    const p = `blocks.${layer}.`;
    weights.set(`${p}ln1.gain`, filled([d], 1)).set(`${p}ln1.bias`, filled([d], 0));
    weights.set(`${p}attn.qkv.weight`, uniform(rng, `${p}qkv`, [d, 3 * d], Math.sqrt(6 / (4 * d))));
    weights.set(`${p}attn.qkv.bias`, filled([3 * d], 0));
    weights.set(`${p}attn.out.weight`, uniform(rng, `${p}out`, [d, d], 1 / Math.sqrt(d)));
    weights.set(`${p}attn.out.bias`, filled([d], 0));
    weights.set(`${p}ln2.gain`, filled([d], 1)).set(`${p}ln2.bias`, filled([d], 0));
    weights.set(`${p}mlp.up.weight`, uniform(rng, `${p}up`, [d, 4 * d], 1 / Math.sqrt(d)));
    weights.set(`${p}mlp.up.bias`, uniform(rng, `${p}upb`, [4 * d], 1 / Math.sqrt(d)));
    weights.set(`${p}mlp.down.weight`, uniform(rng, `${p}down`, [4 * d, d], 1 / Math.sqrt(4 * d)));
    weights.set(`${p}mlp.down.bias`, uniform(rng, `${p}downb`, [d], 1 / Math.sqrt(4 * d)));
  }
  weights.set('lnf.gain', filled([d], 1)).set('lnf.bias', filled([d], 0));
  weights.set('head.weight', uniform(rng, 'head', [d, vocabSize], 1 / Math.sqrt(d)));
  return weights;
}

/**
 * The Grokfast paper's modular-arithmetic decoder, initialised like PyTorch's defaults from `seed`. Trained
 * by the demo's own loop (not core's `train()`); only the answer token is predicted and scored.
 */
export class ModularTransformer {
  /** The shape it was built with. */
  readonly config: ModularModelConfig;
  private readonly weights: Map<string, Variable>;

  constructor(config: ModularModelConfig, seed: number) {
    this.config = config;
    this.weights = initWeights(config, seed);
  }

  /** Every trainable variable by name (`tok.weight`, `blocks.0.attn.qkv.weight`, …): the live map, not a copy. */
  namedWeights(): Map<string, Variable> {
    return this.weights;
  }

  /** Total number of trainable scalars over all weights. */
  get parameterCount(): number {
    return [...this.weights.values()].reduce((sum, weight) => sum + weight.size, 0);
  }

  private w(name: string): Variable {
    const weight = this.weights.get(name);
    if (!weight) throw new Error(`modular model has no weight '${name}'`);
    return weight;
  }

  private layerNorm(x: Tensor, prefix: string): Tensor {
    return layerNormOp(x, this.w(`${prefix}.gain`), this.w(`${prefix}.bias`), LAYER_NORM_EPS);
  }

  private dense(x: Tensor, prefix: string): Tensor {
    const weight = this.w(`${prefix}.weight`);
    const [rows, cols] = weight.shape as [number, number];
    const flat = tf.reshape(x, [-1, rows]);
    return tf.reshape(addRowBias(tf.matMul(flat, weight), this.w(`${prefix}.bias`)), [...x.shape.slice(0, -1), cols]);
  }

  /**
   * Causal multi-head self-attention over `x` [B, T, d]. With `lastQueryOnly`, only the last position
   * attends (over every position, so no mask) and the result is [B, 1, d]: the answer-only loss reads
   * nothing else from the last layer, so its other queries, output rows and MLP rows are work without use.
   */
  private attention(x: Tensor, prefix: string, lastQueryOnly: boolean): Tensor {
    const { dModel: d, nHeads } = this.config;
    const [batch, length] = x.shape as [number, number, number];
    const head = d / nHeads;
    const qkv = this.dense(x, `${prefix}.qkv`);
    const split = (part: number, from: number): Tensor =>
      tf.transpose(
        tf.reshape(tf.slice(qkv, [0, from, part * d], [batch, length - from, d]), [batch, length - from, nHeads, head]),
        [0, 2, 1, 3],
      );
    const queries = lastQueryOnly ? split(0, length - 1) : split(0, 0);
    const scores = tf.div(tf.matMul(queries, split(1, 0), false, true), Math.sqrt(head));
    const weights = lastQueryOnly ? tf.softmax(scores) : tf.softmax(tf.add(scores, causalMaskOf(length)));
    const mixed = tf.matMul(weights, split(2, 0));
    const rows = lastQueryOnly ? 1 : length;
    return this.dense(tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, rows, d]), `${prefix}.out`);
  }

  /** Logits of the answer, [B, vocab], from the inputs [B, inputLength]. */
  answerLogits(inputs: Tensor2D): Tensor2D {
    const { inputLength, nLayers, dModel } = this.config;
    let h: Tensor = tf.add(tf.gather(this.w('tok.weight'), inputs), this.w('pos.weight'));
    const [batch] = inputs.shape;
    for (let layer = 0; layer < nLayers; layer++) {
      const p = `blocks.${layer}`;
      // The last layer computes the answer position alone: the loss and the accuracy read only it.
      const lastOnly = layer === nLayers - 1;
      h = this.layerNorm(h, `${p}.ln1`);
      const attended = this.attention(h, `${p}.attn`, lastOnly);
      if (lastOnly) h = tf.slice(h, [0, inputLength - 1, 0], [batch, 1, dModel]);
      h = tf.add(h, attended);
      const up = this.dense(this.layerNorm(h, `${p}.ln2`), `${p}.mlp.up`);
      h = tf.add(h, this.dense(gelu(up), `${p}.mlp.down`));
    }
    const last = tf.reshape(tf.slice(h, [0, nLayers > 0 ? 0 : inputLength - 1, 0], [batch, 1, dModel]), [
      batch,
      dModel,
    ]);
    return tf.matMul(this.layerNorm(last, 'lnf'), this.w('head.weight')) as Tensor2D;
  }

  /** Mean cross-entropy of the answer token; `equations` is [B, inputLength + 1]. */
  loss(equations: Tensor2D): Scalar {
    return this.lossAndHits(equations).loss;
  }

  /**
   * The answer token's mean cross-entropy and how many answers the argmax gets right, from one forward
   * pass (the reference scores its training accuracy on the very logits it trains on).
   */
  lossAndHits(equations: Tensor2D): {
    /** Mean answer cross-entropy (nats). */
    loss: Scalar;
    /** Count of rows whose argmax is the answer (int32). */
    hits: Scalar;
  } {
    const { inputs, answers } = splitEquations(equations, this.config.inputLength);
    const logits = this.answerLogits(inputs);
    const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(answers, this.config.vocabSize), logits) as Scalar;
    const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), answers), 'int32')) as Scalar;
    return { loss, hits };
  }

  /** Frees every weight; the model is unusable afterwards. */
  dispose(): void {
    for (const weight of this.weights.values()) weight.dispose();
  }
}

function splitEquations(equations: Tensor2D, inputLength: number): { inputs: Tensor2D; answers: tf.Tensor1D } {
  const [batch] = equations.shape;
  const inputs = tf.slice(equations, [0, 0], [batch, inputLength]);
  const answers = tf.reshape(tf.slice(equations, [0, inputLength], [batch, 1]), [batch]) as tf.Tensor1D;
  return { inputs, answers };
}

/** Exact GELU (erf), as torch.nn.GELU's default. */
/** torch `nn.LayerNorm`'s default, the reference's. */
const LAYER_NORM_EPS = 1e-5;

/**
 * `y + bias` on every row, with the bias gradient taken as onesᵀ·dy, a matrix product: tfjs's own
 * gradient sums dy's columns with `Sum`, which tfjs-wasm runs as a transpose and a row sum, and that was a
 * third of a training step at the paper's setting (51 of 155 ms, `tf.profile` over 5 steps, 1 thread).
 */
export function addRowBias(y: Tensor2D, bias: Tensor): Tensor2D {
  const apply = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [input, offset] = args as [Tensor2D, Tensor];
    const gradFunc = (dy: Tensor): Tensor[] => {
      const rows = dy.shape[0] ?? 1;
      return [dy, tf.reshape(tf.matMul(tf.ones([1, rows]), dy as Tensor2D), offset.shape)];
    };
    return { value: tf.add(input, offset), gradFunc };
  });
  return apply(y, bias) as Tensor2D;
}

/** 0 where query i may see key j (j ≤ i), −1e9 elsewhere, added to the scores. */
function causalMaskOf(length: number): Tensor {
  return tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([length, length]), -1, 0)), -1e9));
}

function gelu(x: Tensor): Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
}

/** Share of rows whose answer token is the argmax, in chunks to bound memory. */
export function answerAccuracy(model: ModularTransformer, equations: Int32Array, chunkRows = 2048): number {
  return answerMetrics(model, equations, chunkRows).accuracy;
}

/** Answer accuracy (0 … 1) and mean answer cross-entropy (nats) over `equations`, in chunks to bound memory. */
export function answerMetrics(
  model: ModularTransformer,
  equations: Int32Array,
  chunkRows = 2048,
): {
  /** Share of rows whose argmax is the answer (0 … 1). */
  accuracy: number;
  /** Mean answer cross-entropy (nats). */
  loss: number;
} {
  const width = model.config.inputLength + 1;
  const rows = equations.length / width;
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < rows; start += chunkRows) {
    const count = Math.min(chunkRows, rows - start);
    const [hits, loss] = tf.tidy(() => {
      const batch = tf.tensor2d(equations.subarray(start * width, (start + count) * width), [count, width], 'int32');
      const scored = model.lossAndHits(batch);
      return [scored.hits, scored.loss];
    });
    correct += hits.dataSync()[0] ?? 0;
    lossSum += (loss.dataSync()[0] ?? Number.NaN) * count;
    hits.dispose();
    loss.dispose();
  }
  return { accuracy: correct / rows, loss: lossSum / rows };
}
