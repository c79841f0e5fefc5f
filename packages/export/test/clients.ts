/**
 * The real clients' greedy continuations of token-id prompts: llama.cpp through node-llama-cpp (CPU, one
 * thread), onnxruntime-node through the exported decoder's KV cache, and transformers.js from the exported folder.
 */
import path from 'node:path';
import { LlamaLogLevel, getLlama, type Token } from 'node-llama-cpp';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ModelConfig } from '@agent-forge/core';

/** llama.cpp's greedy continuation (`newTokens` long) of each prompt, from the GGUF `file`. */
export async function llamaCppGreedy(
  file: string,
  prompts: readonly number[][],
  newTokens: number,
  contextSize: number,
): Promise<number[][]> {
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  const loaded = await llama.loadModel({ modelPath: file });
  const context = await loaded.createContext({ contextSize, threads: 1 });
  const out: number[][] = [];
  try {
    for (const prompt of prompts) {
      const sequence = context.getSequence();
      const tokens: number[] = [];
      for await (const token of sequence.evaluate(prompt as Token[], { temperature: 0 })) {
        tokens.push(token);
        if (tokens.length >= newTokens) break;
      }
      out.push(tokens);
      await sequence.dispose();
    }
  } finally {
    await context.dispose();
    await loaded.dispose();
    await llama.dispose();
  }
  return out;
}

const int64 = (values: readonly number[]): Tensor =>
  new Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let i = 1; i < length; i++) if ((values[offset + i] as number) > (values[offset + best] as number)) best = i;
  return best;
}

function emptyCache(config: ModelConfig): Record<string, Tensor> {
  const cache: Record<string, Tensor> = {};
  const headSize = config.dModel / config.nHeads;
  for (let layer = 0; layer < config.nLayers; layer++) {
    for (const part of ['key', 'value'])
      cache[`past_key_values.${layer}.${part}`] = new Tensor('float32', new Float32Array(0), [
        1,
        config.nHeads,
        0,
        headSize,
      ]);
  }
  return cache;
}

/** onnxruntime's greedy continuation: the prompt once, then one token at a time through the KV cache outputs. */
export async function onnxGreedyOne(
  session: InferenceSession,
  config: ModelConfig,
  prompt: readonly number[],
  newTokens: number,
): Promise<number[]> {
  let cache = emptyCache(config);
  const tokens: number[] = [];
  let input = [...prompt];
  let past = 0;
  while (tokens.length < newTokens) {
    const total = past + input.length;
    const outputs = await session.run({
      input_ids: int64(input),
      attention_mask: int64(new Array<number>(total).fill(1)),
      position_ids: int64(input.map((_, i) => past + i)),
      ...cache,
    });
    const next = argmax(outputs.logits?.data as Float32Array, (input.length - 1) * config.vocabSize, config.vocabSize);
    tokens.push(next);
    cache = {};
    for (let layer = 0; layer < config.nLayers; layer++) {
      for (const part of ['key', 'value'])
        cache[`past_key_values.${layer}.${part}`] = outputs[`present.${layer}.${part}`] as Tensor;
    }
    past = total;
    input = [next];
  }
  return tokens;
}

/** onnxruntime-node's greedy continuations of `prompts` with the exported `onnx/model.onnx` of `dir`. */
export async function onnxGreedy(
  file: string,
  config: ModelConfig,
  prompts: readonly number[][],
  newTokens: number,
): Promise<number[][]> {
  const session = await InferenceSession.create(file);
  try {
    const out: number[][] = [];
    for (const prompt of prompts) out.push(await onnxGreedyOne(session, config, prompt, newTokens));
    return out;
  } finally {
    await session.release();
  }
}

/** transformers.js's greedy continuations, the model loaded from the exported folder `dir` with `local_files_only`. */
export async function transformersJsGreedy(
  dir: string,
  prompts: readonly number[][],
  newTokens: number,
): Promise<number[][]> {
  const { AutoModelForCausalLM, Tensor: HfTensor, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = `${path.dirname(path.resolve(dir))}/`;
  const model = await AutoModelForCausalLM.from_pretrained(path.basename(dir), {
    local_files_only: true,
    dtype: 'fp32',
    device: 'cpu',
  });
  try {
    const out: number[][] = [];
    for (const prompt of prompts) {
      const ids = new HfTensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]);
      const mask = new HfTensor('int64', BigInt64Array.from(prompt.map(() => 1n)), [1, prompt.length]);
      const output = (await model.generate({
        input_ids: ids,
        attention_mask: mask,
        max_new_tokens: newTokens,
        do_sample: false,
      })) as { tolist(): bigint[][] };
      out.push((output.tolist()[0] ?? []).slice(prompt.length).map(Number));
    }
    return out;
  } finally {
    await model.dispose();
  }
}
