/**
 * The 🤗 transformers layout of a Llama: `config.json` (`LlamaForCausalLM`), `model.safetensors` with
 * Llama names in `[out, in]` layout, `generation_config.json`, and the tokenizer as `tokenizer.json` +
 * `tokenizer_config.json`. Loads with `AutoModelForCausalLM.from_pretrained(dir)`.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SPECIAL_IDS, encodeSafetensors } from '@agent-forge/core';
import type { BpeTokenizer, ModelConfig, WeightMap } from '@agent-forge/core';
import { hfTokenizerConfig, hfTokenizerJson } from './hf-tokenizer.js';
import type { LlamaTensor } from './llama-layout.js';

/** The files of a 🤗 export, in the order they are written. */
export const HF_FILES = [
  'config.json',
  'generation_config.json',
  'model.safetensors',
  'tokenizer.json',
  'tokenizer_config.json',
] as const;

/** `config.json` for `LlamaForCausalLM`. */
export function hfLlamaConfig(config: ModelConfig): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: config.vocabSize,
    hidden_size: config.dModel,
    intermediate_size: config.dFF,
    num_hidden_layers: config.nLayers,
    num_attention_heads: config.nHeads,
    num_key_value_heads: config.nHeads,
    head_dim: config.dModel / config.nHeads,
    max_position_embeddings: config.contextLength,
    hidden_act: 'silu',
    rms_norm_eps: config.normEps,
    rope_theta: config.ropeTheta,
    rope_scaling: null,
    attention_bias: false,
    mlp_bias: false,
    tie_word_embeddings: config.tiedEmbeddings,
    initializer_range: config.initStd,
    bos_token_id: SPECIAL_IDS.bos,
    eos_token_id: SPECIAL_IDS.eos,
    pad_token_id: SPECIAL_IDS.pad,
    torch_dtype: 'float32',
    use_cache: true,
  };
}

/** `generation_config.json`: greedy by default, stopping at `<eos>`. */
export function hfGenerationConfig(config: ModelConfig): Record<string, unknown> {
  return {
    bos_token_id: SPECIAL_IDS.bos,
    eos_token_id: SPECIAL_IDS.eos,
    pad_token_id: SPECIAL_IDS.pad,
    do_sample: false,
    max_length: config.contextLength,
  };
}

/** Writes the 🤗 files into `dir` (an empty staging directory); `weights: false` leaves out model.safetensors. */
export async function writeHfModel(
  dir: string,
  model: { config: ModelConfig; tensors: readonly LlamaTensor[]; tokenizer: BpeTokenizer },
  options: { weights?: boolean } = {},
): Promise<void> {
  const weights: WeightMap = new Map(
    model.tensors.map((tensor) => [tensor.hfName, { dtype: 'F32', shape: [...tensor.shape], data: tensor.data }]),
  );
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  await writeFile(path.join(dir, 'config.json'), json(hfLlamaConfig(model.config)));
  await writeFile(path.join(dir, 'generation_config.json'), json(hfGenerationConfig(model.config)));
  if (options.weights ?? true)
    await writeFile(path.join(dir, 'model.safetensors'), encodeSafetensors(weights, { metadata: { format: 'pt' } }));
  await writeFile(path.join(dir, 'tokenizer.json'), json(hfTokenizerJson(model.tokenizer)));
  await writeFile(
    path.join(dir, 'tokenizer_config.json'),
    json(hfTokenizerConfig(model.tokenizer, model.config.contextLength)),
  );
}
