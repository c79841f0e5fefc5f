/**
 * A small model whose greedy continuations are decisive: random weights with a large init std give
 * peaked logits, so a wrong weight layout changes the tokens while float rounding does not.
 */
import { MODEL_PRESETS, TinyTitan, generate, initBackend, tf } from '@agent-forge/core';
import type { BpeTokenizer } from '@agent-forge/core';
import { HELD_OUT, trainedTokenizer } from './corpus.js';

/** Held-out prompts for the greedy-continuation comparisons. */
export const PROMPTS = [HELD_OUT[0] as string, 'The cat sat on the', 'x = 12 + 7 * (3 - 1)', 'emoji 😀 and café'];

/** Tokens generated per prompt. */
export const NEW_TOKENS = 24;

/** A tokenizer and a `tiny`-shaped model (untied head optional) on the wasm backend. */
export async function smallModel(
  options: { tied?: boolean } = {},
): Promise<{ model: TinyTitan; tokenizer: BpeTokenizer }> {
  await initBackend({ prefer: 'wasm' });
  const tokenizer = await trainedTokenizer();
  const config = {
    ...MODEL_PRESETS.tiny,
    vocabSize: tokenizer.vocabSize,
    initStd: 0.25,
    tiedEmbeddings: options.tied ?? true,
  };
  return { model: new TinyTitan(config, { seed: 3 }), tokenizer };
}

/** Our greedy continuation of each prompt (no stop token, `NEW_TOKENS` long). */
export async function ourContinuations(model: TinyTitan, tokenizer: BpeTokenizer): Promise<number[][]> {
  const out: number[][] = [];
  for (const prompt of PROMPTS) {
    out.push((await generate(model, tokenizer.encode(prompt), { maxNewTokens: NEW_TOKENS })).tokens);
  }
  return out;
}

/**
 * The smallest gap between the best and second-best logit over every greedy step of `continuations`.
 * The comparisons need it well above float rounding: at a near tie another runtime may rightly pick
 * the other token (seed 7 of this model has a 0.0004 gap, and llama.cpp took the runner-up there).
 */
export function smallestGreedyGap(model: TinyTitan, tokenizer: BpeTokenizer, continuations: number[][]): number {
  let smallest = Infinity;
  PROMPTS.forEach((prompt, index) => {
    const prefix = tokenizer.encode(prompt);
    const all = [...prefix, ...(continuations[index] as number[])];
    const logits = tf.tidy(() => model.forward(tf.tensor2d([all.slice(0, -1)], [1, all.length - 1], 'int32')));
    const rows = (logits.arraySync() as number[][][])[0] as number[][];
    logits.dispose();
    for (let position = prefix.length - 1; position < rows.length; position++) {
      const [best = 0, second = 0] = [...(rows[position] as number[])].sort((a, b) => b - a);
      smallest = Math.min(smallest, best - second);
    }
  });
  return smallest;
}
