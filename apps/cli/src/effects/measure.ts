/**
 * Measures one model directory on the run's shared held-out set: perplexity, and greedy answer accuracy
 * per difficulty with and without the calculator in the loop.
 */
import { answerAccuracy, formatProblem, greedyCompleter, perplexity } from '@agent-forge/core';
import type { Completer, Problem } from '@agent-forge/core';
import { loadEdgeModel } from '../load-model.js';
import type { DifficultyItems, EffectHeldOut } from './held-out.js';

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

/**
 * Accuracy with and without the calculator. Greedy decoding is deterministic and the two runs part only
 * where the calculator first fills in a `<<expr=`, so a completion with no `<<` in it is also the
 * no-calculator completion: only the others are generated again.
 */
export async function levelAccuracy(
  level: DifficultyItems,
  completerFor: (calculator: boolean) => Completer,
): Promise<LevelAccuracy> {
  const { difficulty, problems } = level;
  if (problems.length === 0) return { difficulty, problems: 0, withCalculator: 0, withoutCalculator: 0 };
  const promptOf = (problem: Problem): string => formatProblem(problem).prompt;
  const withCalculator = await answerAccuracy(problems, promptOf, completerFor(true));
  const calculated = problems.filter((_, index) => withCalculator.records[index]?.completion.includes('<<'));
  const again = await answerAccuracy(calculated, promptOf, completerFor(false));
  const unchanged = withCalculator.records.filter((record) => !record.completion.includes('<<') && record.correct);
  const correctWithout = unchanged.length + again.records.filter((record) => record.correct).length;
  return {
    difficulty,
    problems: problems.length,
    withCalculator: withCalculator.accuracy,
    withoutCalculator: correctWithout / problems.length,
  };
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
      const completerFor = (calculator: boolean): Completer =>
        greedyCompleter(edge.model, edge.tokenizer, heldOut.maxNewTokens, { calculator });
      levels.push(await levelAccuracy(level, completerFor));
    }
    return { loss, perplexity: value, levels, persona, kind: edge.kind };
  } finally {
    edge.dispose();
  }
}
