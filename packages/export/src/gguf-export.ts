/**
 * A Llama as a GGUF file for llama.cpp (and so ollama, LM Studio, node-llama-cpp): the `llama`
 * architecture's metadata keys, the tokenizer embedded as a GPT-2-style BPE, and the weights in F32 or
 * F16 (norms stay F32, as llama.cpp's converter keeps them).
 */
import { ForgeError, float32ToFloat16Bits } from '@agent-forge/core';
import type { BpeTokenizer, ModelConfig } from '@agent-forge/core';
import { bitnetNormTensors, encodeTq2 } from './bitnet-gguf.js';
import { mergeStrings, tokenStrings } from './hf-tokenizer.js';
import type { LlamaTensor } from './llama-layout.js';
import { encodeGguf, type GgufTensor, type GgufValue } from './gguf-writer.js';

/** Weight types of a GGUF export: `tq2_0` (llama.cpp's 2-bit ternary) for a BitNet model's ternary layers. */
export type GgufWeightType = 'f32' | 'f16' | 'tq2_0';

/** ggml's type ids and llama.cpp's `general.file_type` (`LLAMA_FTYPE_*`) for each weight type. */
const WEIGHT_TYPES: Readonly<Record<GgufWeightType, { ggmlType: number; fileType: number }>> = {
  f32: { ggmlType: 0, fileType: 0 },
  f16: { ggmlType: 1, fileType: 1 },
  tq2_0: { ggmlType: 35, fileType: 37 },
};

/** The llama.cpp architecture a model exports as: `llama`, or `bitnet` for a BitNet b1.58 model. */
export type GgufArchitecture = 'llama' | 'bitnet';

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

/**
 * GGUF tensors: 2-D weights in `type` (with `tq2_0`, ternary layers as TQ2_0 and the embedding as F16),
 * 1-D norms in F32. For `llama` the W_q/W_k rows are reordered (llama.cpp rotates adjacent pairs there);
 * `bitnet` rotates halves as we do.
 */
export function ggufTensors(
  tensors: readonly LlamaTensor[],
  config: ModelConfig,
  type: GgufWeightType,
  architecture: GgufArchitecture = 'llama',
  ternary: ReadonlyMap<string, number> = new Map(),
): GgufTensor[] {
  return tensors.map((tensor) => {
    const [rows = 0, cols = 1] = tensor.shape;
    const data =
      tensor.rope && architecture === 'llama'
        ? interleaveRopeRows(tensor.data, rows, cols, config.nHeads)
        : tensor.data;
    const scale = ternary.get(tensor.ggufName);
    const dims = [...tensor.shape].reverse();
    if (type === 'tq2_0' && scale !== undefined) {
      return {
        name: tensor.ggufName,
        dims,
        ggmlType: WEIGHT_TYPES.tq2_0.ggmlType,
        bytes: encodeTq2(data, cols, scale, tensor.source),
      };
    }
    const floatType: GgufWeightType = tensor.shape.length !== 2 ? 'f32' : type === 'tq2_0' ? 'f16' : type;
    return {
      name: tensor.ggufName,
      dims,
      ggmlType: WEIGHT_TYPES[floatType].ggmlType,
      bytes: encodeTensorData(data, floatType),
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
    [
      'tokenizer.ggml.token_type',
      { type: 'int32[]', value: tokens.map((_, id) => (id < reserved ? TOKEN_TYPE.control : TOKEN_TYPE.normal)) },
    ],
    ['tokenizer.ggml.merges', { type: 'string[]', value: mergeStrings(tokenizer, tokens) }],
    ['tokenizer.ggml.bos_token_id', { type: 'uint32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'uint32', value: 2 }],
    ['tokenizer.ggml.padding_token_id', { type: 'uint32', value: 0 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];
}

/** The `general.*` and `<architecture>.*` metadata. */
export function ggufModelMetadata(
  config: ModelConfig,
  name: string,
  type: GgufWeightType,
  architecture: GgufArchitecture = 'llama',
): Array<[string, GgufValue]> {
  const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
  const entries: Array<[string, GgufValue]> = [
    ['vocab_size', u32(config.vocabSize)],
    ['context_length', u32(config.contextLength)],
    ['embedding_length', u32(config.dModel)],
    ['block_count', u32(config.nLayers)],
    ['feed_forward_length', u32(config.dFF)],
    ['attention.head_count', u32(config.nHeads)],
    ['attention.head_count_kv', u32(config.nHeads)],
    ['attention.layer_norm_rms_epsilon', { type: 'float32', value: config.normEps }],
    ['rope.freq_base', { type: 'float32', value: config.ropeTheta }],
    ['rope.dimension_count', u32(config.dModel / config.nHeads)],
  ];
  return [
    ['general.architecture', { type: 'string', value: architecture }],
    ['general.name', { type: 'string', value: name }],
    ['general.file_type', u32(WEIGHT_TYPES[type].fileType)],
    ['general.alignment', u32(32)],
    ...entries.map(([key, value]): [string, GgufValue] => [`${architecture}.${key}`, value]),
  ];
}

/** The complete GGUF file (as chunks) of a Llama (or a BitNet model) and its tokenizer. */
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
  /** γ by GGUF tensor name of each ternary layer; present for a BitNet model, which then exports as `bitnet`. */
  readonly ternary?: ReadonlyMap<string, number>;
}): Uint8Array[] {
  const architecture: GgufArchitecture = options.ternary ? 'bitnet' : 'llama';
  if (options.type === 'tq2_0' && !options.ternary) {
    throw new ForgeError('weight type tq2_0 is for BitNet models (ternary layers); this model has none', {
      field: 'weightType',
    });
  }
  const tensors = options.ternary ? bitnetNormTensors(options.tensors, options.config) : options.tensors;
  const metadata = new Map<string, GgufValue>([
    ...ggufModelMetadata(options.config, options.name, options.type, architecture),
    ...ggufTokenizerMetadata(options.tokenizer),
  ]);
  return encodeGguf(metadata, ggufTensors(tensors, options.config, options.type, architecture, options.ternary));
}
