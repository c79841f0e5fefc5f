/**
 * How closely an exported model follows ours, measured in our runtime on fixed probe texts: the exported
 * graph is rebuilt as a TinyTitan (see export-plan.ts) and compared with the model `forge chat` runs. Two
 * rates: greedy continuations (tokens equal before the first difference — one early difference changes every
 * later token) and teacher-forced next-token agreement (the most likely next token at every position of
 * the probe texts, which a single difference does not cascade through).
 */
import { generate, tf } from '@agent-forge/core';
import type { BpeTokenizer, TinyTitan } from '@agent-forge/core';

/** Probe texts: short English, dialogue, arithmetic and code, as the pipeline's data mixes them. */
export const PROBE_TEXTS: readonly string[] = [
  'Tom has 3 apples. He buys 2 more and gives one to his sister. How many apples does Tom have now? Tom has 4 apples.',
  'The river ran quietly past the old mill, and the children watched the boats drift slowly toward the sea.',
  'Question: what is 12 + 7 * (3 - 1)? Answer: first 3 - 1 = 2, then 7 * 2 = 14, and 12 + 14 = 26.',
  'def add(a, b):\n    return a + b\n\nprint(add(2, 3))  # prints 5\n',
];

/** Tokens of each probe text that form its greedy prompt. */
const PROMPT_TOKENS = 12;

/** New tokens per greedy continuation. */
export const PROBE_NEW_TOKENS = 16;

/** The agreement of an exported model with ours. */
export interface Agreement {
  /** Greedy continuations: the share of new tokens equal before each continuation's first difference (1: identical). */
  readonly greedy: number;
  /** Teacher-forced: the share of probe positions where both models' most likely next token is the same. */
  readonly nextToken: number;
  /** Greedy continuations compared (one per probe text). */
  readonly prompts: number;
  /** New tokens per continuation. */
  readonly newTokens: number;
  /** Probe positions compared teacher-forced. */
  readonly positions: number;
}

/** The share of `candidate`'s tokens equal to `reference`'s before each row's first difference. */
export function greedyPrefixAgreement(reference: readonly number[][], candidate: readonly number[][]): number {
  let equal = 0;
  let total = 0;
  reference.forEach((row, index) => {
    const other = candidate[index] ?? [];
    let prefix = 0;
    while (prefix < row.length && row[prefix] === other[prefix]) prefix++;
    equal += prefix;
    total += row.length;
  });
  return total === 0 ? 1 : equal / total;
}

/** The probe texts as token ids, each cut to fit the model's context. */
export function probeIds(tokenizer: BpeTokenizer, contextLength: number): number[][] {
  return PROBE_TEXTS.map((text) => tokenizer.encode(text).slice(0, contextLength));
}

function argmaxRows(model: TinyTitan, ids: readonly number[]): Int32Array {
  const best = tf.tidy(() => tf.argMax(model.forward(tf.tensor2d([[...ids]], [1, ids.length], 'int32')), -1));
  const out = best.dataSync() as Int32Array;
  best.dispose();
  return out;
}

/** Positions of `texts` where both models' most likely next token agree, and positions compared. */
export function nextTokenAgreement(
  reference: TinyTitan,
  candidate: TinyTitan,
  texts: readonly number[][],
): {
  /** Positions where the most likely next tokens are the same. */
  equal: number;
  /** Positions compared. */
  total: number;
} {
  let equal = 0;
  let total = 0;
  for (const ids of texts) {
    const ours = argmaxRows(reference, ids);
    const theirs = argmaxRows(candidate, ids);
    for (let i = 0; i < ours.length; i++) if (ours[i] === theirs[i]) equal++;
    total += ours.length;
  }
  return { equal, total };
}

/** The greedy prompt of a probe text: its first tokens, leaving room for the continuation in the context. */
export function probePrompt(ids: readonly number[], contextLength: number): number[] {
  return ids.slice(0, Math.max(1, Math.min(PROMPT_TOKENS, contextLength - PROBE_NEW_TOKENS)));
}

/** Greedy continuations (`PROBE_NEW_TOKENS` each, no stop token) of each probe text's prompt. */
export async function probeContinuations(model: TinyTitan, texts: readonly number[][]): Promise<number[][]> {
  const out: number[][] = [];
  for (const ids of texts) {
    const prompt = probePrompt(ids, model.config.contextLength);
    out.push((await generate(model, prompt, { maxNewTokens: PROBE_NEW_TOKENS })).tokens);
  }
  return out;
}

/** Measures `candidate` (the exported graph in our runtime) against `reference` (the model as `forge chat` runs it). */
export async function measureAgreement(
  reference: TinyTitan,
  candidate: TinyTitan,
  tokenizer: BpeTokenizer,
): Promise<Agreement> {
  const texts = probeIds(tokenizer, reference.config.contextLength);
  const { equal, total } = nextTokenAgreement(reference, candidate, texts);
  const greedy = greedyPrefixAgreement(
    await probeContinuations(reference, texts),
    await probeContinuations(candidate, texts),
  );
  return { greedy, nextToken: equal / total, prompts: texts.length, newTokens: PROBE_NEW_TOKENS, positions: total };
}
