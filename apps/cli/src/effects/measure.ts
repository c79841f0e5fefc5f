/**
 * Measures one model directory on the run's shared held-out set: perplexity, and greedy answer accuracy
 * per difficulty with and without the calculator in the loop.
 */
import { answerAccuracy, formatProblem, greedyCompleter, perplexity } from '@agent-forge/core';
import type { Problem, TinyTitan, BpeTokenizer } from '@agent-forge/core';
import { loadEdgeModel } from '../load-model.js';
import type { EffectHeldOut } from './held-out.js';

/** Answer accuracy at one difficulty. */
export interface LevelAccuracy {
  /** Built-in generator difficulty. */
  readonly difficulty: number;
  /** Problems scored. */
  readonly problems: number;
  /** Share answered correctly with the calculator computing each `<<expr=`. */
  readonly withCalculator: number;
  /** Share answered correctly without it. */
  readonly withoutCalculator: number;
}

/** One model's figures on the shared held-out set. */
export interface ModelEffect {
  /** Mean next-token loss on the validation windows, nats per token. */
  readonly loss: number;
  /** exp(loss). */
  readonly perplexity: number;
  /** Accuracy per difficulty, in the held-out set's order. */
  readonly levels: readonly LevelAccuracy[];
  /** Persona active while measuring (baked models: their first persona), or null. */
  readonly persona: string | null;
  /** How the directory was loaded (`float`, `ternary-dequantized`…), from the edge loader. */
  readonly kind: string;
}

async function accuracyOf(
  model: TinyTitan,
  tokenizer: BpeTokenizer,
  problems: readonly Problem[],
  maxNewTokens: number,
  calculator: boolean,
): Promise<number> {
  if (problems.length === 0) return 0;
  const complete = greedyCompleter(model, tokenizer, maxNewTokens, { calculator });
  return (await answerAccuracy(problems, (problem) => formatProblem(problem).prompt, complete)).accuracy;
}

/**
 * Load `dir` as `forge chat` would (ternary layers dequantized to float: the same weights, without the
 * packed kernel's activation rounding) and measure it on `heldOut`.
 */
export async function measureModelDir(dir: string, heldOut: EffectHeldOut): Promise<ModelEffect> {
  const edge = await loadEdgeModel(dir, { float: true });
  try {
    const persona = edge.personas[0] ?? null;
    if (persona !== null) edge.usePersona?.(persona);
    const { loss, perplexity: value } = perplexity(edge.model, heldOut.windows);
    const levels: LevelAccuracy[] = [];
    for (const level of heldOut.levels) {
      levels.push({
        difficulty: level.difficulty,
        problems: level.problems.length,
        withCalculator: await accuracyOf(edge.model, edge.tokenizer, level.problems, heldOut.maxNewTokens, true),
        withoutCalculator: await accuracyOf(edge.model, edge.tokenizer, level.problems, heldOut.maxNewTokens, false),
      });
    }
    return { loss, perplexity: value, levels, persona, kind: edge.kind };
  } finally {
    edge.dispose();
  }
}
