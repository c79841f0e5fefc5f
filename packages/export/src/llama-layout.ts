/**
 * A TinyTitan as a Llama: which configs are a standard Llama block (rotary positions in the
 * rotate-half layout, RMSNorm, SwiGLU, no biases), and each weight under its 🤗 and GGUF names in
 * PyTorch's `[out, in]` layout (ours is `[in, out]`, see core's model/shapes.ts).
 */
import { ForgeError } from '@agent-forge/core';
import type { ModelConfig } from '@agent-forge/core';

/** A weight as the model holds it: shape and row-major float32 values. */
export interface HostWeight {
  /** Its shape (`[in, out]` for our linear layers). */
  readonly shape: readonly number[];
  /** Row-major values. */
  readonly data: Float32Array;
}

/** One weight of the exported Llama. */
export interface LlamaTensor {
  /** Our checkpoint name, e.g. `blocks.0.attn.q.weight`. */
  readonly source: string;
  /** Its 🤗 transformers name, e.g. `model.layers.0.self_attn.q_proj.weight`. */
  readonly hfName: string;
  /** Its llama.cpp (GGUF) name, e.g. `blk.0.attn_q.weight`. */
  readonly ggufName: string;
  /** Shape in PyTorch order: `[out, in]` for matrices, `[vocab, dModel]` for the embedding, `[dModel]` for norms. */
  readonly shape: readonly number[];
  /** Row-major values in that shape. */
  readonly data: Float32Array;
  /** `q`/`k`: the rows GGUF reorders for llama.cpp's interleaved RoPE. */
  readonly rope?: 'q' | 'k';
}

/** The config fields a Llama fixes, with the value it needs and why. */
const LLAMA_REQUIREMENTS: ReadonlyArray<{ field: keyof ModelConfig; value: string; what: string }> = [
  { field: 'positions', value: 'rotary', what: 'Llama has no position table' },
  { field: 'mlp', value: 'swiglu', what: 'Llama’s MLP is SwiGLU' },
  { field: 'norm', value: 'rmsnorm', what: 'Llama normalises with RMSNorm' },
];

/** Throws a ForgeError naming the first config field a Llama cannot express. */
export function assertLlamaConfig(config: ModelConfig): void {
  for (const { field, value, what } of LLAMA_REQUIREMENTS) {
    if (config[field] !== value) {
      throw new ForgeError(
        `cannot export as a Llama: model.${field} is '${String(config[field])}', but ${what} ('${value}')`,
        { field: `model.${field}` },
      );
    }
  }
}

/** Our `[rows, cols]` row-major matrix, transposed. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number;
  }
  return out;
}

interface NameMap {
  readonly source: string;
  readonly hf: string;
  readonly gguf: string;
  readonly rope?: 'q' | 'k';
}

function blockNames(index: number): NameMap[] {
  const ours = `blocks.${index}`;
  const hf = `model.layers.${index}`;
  const gguf = `blk.${index}`;
  const linear = (part: string, hfPart: string, ggufPart: string, rope?: 'q' | 'k'): NameMap => ({
    source: `${ours}.${part}.weight`,
    hf: `${hf}.${hfPart}.weight`,
    gguf: `${gguf}.${ggufPart}.weight`,
    rope,
  });
  return [
    { source: `${ours}.attn_norm.weight`, hf: `${hf}.input_layernorm.weight`, gguf: `${gguf}.attn_norm.weight` },
    linear('attn.q', 'self_attn.q_proj', 'attn_q', 'q'),
    linear('attn.k', 'self_attn.k_proj', 'attn_k', 'k'),
    linear('attn.v', 'self_attn.v_proj', 'attn_v'),
    linear('attn.o', 'self_attn.o_proj', 'attn_output'),
    { source: `${ours}.mlp_norm.weight`, hf: `${hf}.post_attention_layernorm.weight`, gguf: `${gguf}.ffn_norm.weight` },
    linear('mlp.gate', 'mlp.gate_proj', 'ffn_gate'),
    linear('mlp.up', 'mlp.up_proj', 'ffn_up'),
    linear('mlp.down', 'mlp.down_proj', 'ffn_down'),
  ];
}

/** Every weight name of the Llama, in file order. */
function llamaNames(config: ModelConfig): NameMap[] {
  const names: NameMap[] = [{ source: 'embed.weight', hf: 'model.embed_tokens.weight', gguf: 'token_embd.weight' }];
  for (let index = 0; index < config.nLayers; index++) names.push(...blockNames(index));
  names.push({ source: 'norm_f.weight', hf: 'model.norm.weight', gguf: 'output_norm.weight' });
  if (!config.tiedEmbeddings) names.push({ source: 'head.weight', hf: 'lm_head.weight', gguf: 'output.weight' });
  return names;
}

/**
 * The Llama tensors of a model's weights (`[in, out]` matrices as our checkpoints hold them). Every
 * weight must be used: one the Llama has no place for (a runner's, an adapter's) is an error.
 */
export function llamaTensors(config: ModelConfig, weights: ReadonlyMap<string, HostWeight>): LlamaTensor[] {
  assertLlamaConfig(config);
  const names = llamaNames(config);
  const unused = [...weights.keys()].filter((name) => !names.some((entry) => entry.source === name));
  if (unused.length > 0) {
    throw new ForgeError(`cannot export as a Llama: weights with no Llama counterpart: ${unused.join(', ')}`, {
      field: 'weights',
    });
  }
  return names.map(({ source, hf, gguf, rope }) => {
    const weight = weights.get(source);
    if (!weight) throw new ForgeError(`the model has no weight '${source}'`, { field: source });
    const isMatrix = weight.shape.length === 2 && source !== 'embed.weight';
    const [rows = 0, cols = 0] = weight.shape;
    return {
      source,
      hfName: hf,
      ggufName: gguf,
      rope,
      shape: isMatrix ? [cols, rows] : [...weight.shape],
      data: isMatrix ? transpose(weight.data, rows, cols) : Float32Array.from(weight.data),
    };
  });
}
