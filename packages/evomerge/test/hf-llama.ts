import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Rng, hostTensor, writeSafetensorsFile, type WeightMap } from '@agent-forge/core';

/** A small Llama-shaped model: vocab 16, width 8, MLP 12, PyTorch [out, in] linears, Hugging Face names. */
export const LLAMA = { vocab: 16, width: 8, mlp: 12 } as const;

export function llamaWeights(seed: number, layers: number): WeightMap {
  const rng = Rng.fromSeed(seed);
  const tensor = (shape: number[]) =>
    hostTensor(
      'F32',
      shape,
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, 0.5)),
    );
  const { vocab, width, mlp } = LLAMA;
  const map: WeightMap = new Map([['model.embed_tokens.weight', tensor([vocab, width])]]);
  for (let i = 0; i < layers; i++) {
    const at = (name: string, shape: number[]) => map.set(`model.layers.${i}.${name}`, tensor(shape));
    at('input_layernorm.weight', [width]);
    for (const p of ['q', 'k', 'v', 'o']) at(`self_attn.${p}_proj.weight`, [width, width]);
    at('post_attention_layernorm.weight', [width]);
    at('mlp.gate_proj.weight', [mlp, width]);
    at('mlp.up_proj.weight', [mlp, width]);
    at('mlp.down_proj.weight', [width, mlp]);
  }
  map.set('model.norm.weight', tensor([width])).set('lm_head.weight', tensor([vocab, width]));
  return map;
}

/** The Hugging Face files beside the weights (a tokenizer stand-in: only its bytes matter to a merge). */
export const HF_FILES = {
  'tokenizer.json': '{"version":"1.0","model":{"type":"BPE","vocab":{"a":0}}}\n',
  'tokenizer_config.json': '{"model_max_length": 64}\n',
  'special_tokens_map.json': '{"bos_token": "<s>"}\n',
};

/**
 * Save `weights` as a sharded Hugging Face checkpoint: `model-0000N-of-0000M.safetensors` (tensors
 * dealt out by name order), `model.safetensors.index.json`, config.json and tokenizer files.
 */
export async function saveShardedLlama(
  dir: string,
  weights: WeightMap,
  shards: number,
  layers: number,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const names = [...weights.keys()].sort();
  const shardName = (i: number) =>
    `model-${String(i + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
  const weightMap: Record<string, string> = {};
  for (let i = 0; i < shards; i++) {
    const part = names.filter((_, n) => n % shards === i);
    for (const name of part) weightMap[name] = shardName(i);
    await writeSafetensorsFile(
      path.join(dir, shardName(i)),
      new Map(part.map((name) => [name, weights.get(name) as never])),
    );
  }
  await writeFile(
    path.join(dir, 'model.safetensors.index.json'),
    JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }),
  );
  const config = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: LLAMA.width,
    num_hidden_layers: layers,
    vocab_size: LLAMA.vocab,
    torch_dtype: 'float32',
  };
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  for (const [name, text] of Object.entries(HF_FILES)) await writeFile(path.join(dir, name), text);
  return dir;
}
