/**
 * A Llama as a GGUF file for llama.cpp (and so ollama, LM Studio, node-llama-cpp): the `llama`
 * architecture's metadata keys, the tokenizer embedded as a GPT-2-style BPE, and the weights in F32 or
 * F16 (norms stay F32, as llama.cpp's converter keeps them).
 */
import { float32ToFloat16Bits } from '@agent-forge/core';
import type { BpeTokenizer, ModelConfig } from '@agent-forge/core';
import { mergeStrings, tokenStrings } from './hf-tokenizer.js';
import type { LlamaTensor } from './llama-layout.js';
import { encodeGguf, type GgufTensor, type GgufValue } from './gguf-writer.js';

/** Weight types of a GGUF export. */
export type GgufWeightType = 'f32' | 'f16';

/** ggml's type ids and llama.cpp's `general.file_type` for each weight type. */
const WEIGHT_TYPES: Readonly<Record<GgufWeightType, { ggmlType: number; fileType: number }>> = {
  f32: { ggmlType: 0, fileType: 0 },
  f16: { ggmlType: 1, fileType: 1 },
};

/** llama.cpp's token types: 1 normal, 3 control. Reserved tokens are control tokens. */
const TOKEN_TYPE = { normal: 1, control: 3 } as const;

/**
 * llama.cpp picks its pre-tokenizer regex by name from a fixed list; `refact` (single digits, then the
 * GPT-2 regex) is the nearest to ours. llama.cpp's own tokenization of raw text can therefore differ
 * from ours around combining marks, upper-case contractions and space runs before digits; ids encoded by
 * us (or by the 🤗 tokenizer.json) run identically.
 */
export const GGUF_PRETOKENIZER = 'refact';

/**
 * llama.cpp's LLAMA architecture applies RoPE to adjacent pairs (2i, 2i + 1), ours (and 🤗's) to
 * (i, i + headSize/2): reorder each head's rows of W_q and W_k so both compute the same attention.
 */
export function interleaveRopeRows(data: Float32Array, rows: number, cols: number, nHeads: number): Float32Array {
  const headSize = rows / nHeads;
  const half = headSize / 2;
  const out = new Float32Array(data.length);
  for (let head = 0; head < nHeads; head++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const from = head * headSize + j * half + i;
        const to = head * headSize + 2 * i + j;
        out.set(data.subarray(from * cols, (from + 1) * cols), to * cols);
      }
    }
  }
  return out;
}

function encodeTensorData(data: Float32Array, type: GgufWeightType): Uint8Array {
  if (type === 'f32') return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const half = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) half[i] = float32ToFloat16Bits(data[i] as number);
  return new Uint8Array(half.buffer);
}

/** GGUF tensors of a Llama: 2-D weights in `type`, 1-D norms in F32, W_q/W_k rows reordered for llama.cpp. */
export function ggufTensors(tensors: readonly LlamaTensor[], config: ModelConfig, type: GgufWeightType): GgufTensor[] {
  return tensors.map((tensor) => {
    const [rows = 0, cols = 1] = tensor.shape;
    const data = tensor.rope ? interleaveRopeRows(tensor.data, rows, cols, config.nHeads) : tensor.data;
    const weightType: GgufWeightType = tensor.shape.length === 2 ? type : 'f32';
    return {
      name: tensor.ggufName,
      dims: [...tensor.shape].reverse(),
      ggmlType: WEIGHT_TYPES[weightType].ggmlType,
      bytes: encodeTensorData(data, weightType),
    };
  });
}

/** The tokenizer as `tokenizer.ggml.*` metadata: GPT-2 BPE, our ids, no `<bos>` added. */
export function ggufTokenizerMetadata(tokenizer: BpeTokenizer): Array<[string, GgufValue]> {
  const tokens = tokenStrings(tokenizer);
  const reserved = tokenizer.specialTokens.length;
  return [
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: GGUF_PRETOKENIZER }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: tokens }],
    ['tokenizer.ggml.token_type', { type: 'int32[]', value: tokens.map((_, id) => (id < reserved ? TOKEN_TYPE.control : TOKEN_TYPE.normal)) }],
    ['tokenizer.ggml.merges', { type: 'string[]', value: mergeStrings(tokenizer, tokens) }],
    ['tokenizer.ggml.bos_token_id', { type: 'uint32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'uint32', value: 2 }],
    ['tokenizer.ggml.padding_token_id', { type: 'uint32', value: 0 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];
}

/** The `general.*` and `llama.*` metadata of the architecture. */
export function ggufModelMetadata(config: ModelConfig, name: string, type: GgufWeightType): Array<[string, GgufValue]> {
  const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
  return [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: name }],
    ['general.file_type', u32(WEIGHT_TYPES[type].fileType)],
    ['general.alignment', u32(32)],
    ['llama.vocab_size', u32(config.vocabSize)],
    ['llama.context_length', u32(config.contextLength)],
    ['llama.embedding_length', u32(config.dModel)],
    ['llama.block_count', u32(config.nLayers)],
    ['llama.feed_forward_length', u32(config.dFF)],
    ['llama.attention.head_count', u32(config.nHeads)],
    ['llama.attention.head_count_kv', u32(config.nHeads)],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: config.normEps }],
    ['llama.rope.freq_base', { type: 'float32', value: config.ropeTheta }],
    ['llama.rope.dimension_count', u32(config.dModel / config.nHeads)],
  ];
}

/** The complete GGUF file (as chunks) of a Llama and its tokenizer. */
export function encodeLlamaGguf(options: {
  /** The model's validated config. */
  readonly config: ModelConfig;
  /** The Llama tensors (see `llamaTensors`). */
  readonly tensors: readonly LlamaTensor[];
  /** The tokenizer to embed. */
  readonly tokenizer: BpeTokenizer;
  /** `general.name`. */
  readonly name: string;
  /** Weight type of the 2-D tensors. */
  readonly type: GgufWeightType;
}): Uint8Array[] {
  const metadata = new Map<string, GgufValue>([
    ...ggufModelMetadata(options.config, options.name, options.type),
    ...ggufTokenizerMetadata(options.tokenizer),
  ]);
  return encodeGguf(metadata, ggufTensors(options.tensors, options.config, options.type));
}
