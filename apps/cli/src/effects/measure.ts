/**
 * Measures one model directory on the run's shared held-out set: perplexity, and greedy answer accuracy
 * per difficulty with and without the calculator in the loop.
 */
import { answerAccuracy, formatProblem, greedyCompleter, measurementPersona, perplexity } from '@agent-forge/core';
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

/** One problem's outcome both ways. */
export interface ItemOutcome {
  /** The problem's question. */
  readonly question: string;
  /** Answered correctly with the calculator in the loop. */
  readonly withCalculator: boolean;
  /** Answered correctly without it. */
  readonly withoutCalculator: boolean;
}

/** Accuracy on a list of problems with and without the calculator, and each problem's outcome. */
export interface CalculatorAccuracy {
  /** Problems scored. */
  readonly problems: number;
  /** Share answered correctly with the calculator computing each `<<expr=`. */
  readonly withCalculator: number;
  /** Share answered correctly without it. */
  readonly withoutCalculator: number;
  /** Per problem, in the order given. */
  readonly items: readonly ItemOutcome[];
}

/**
 * Accuracy with and without the calculator. Greedy decoding is deterministic and the two runs part only
 * where the calculator first fills in a `<<expr=`, so a completion with no `<<` in it is also the
 * no-calculator completion: only the others are generated again.
 */
export async function calculatorAccuracy(
  problems: readonly Problem[],
  completerFor: (calculator: boolean) => Completer,
): Promise<CalculatorAccuracy> {
  if (problems.length === 0) return { problems: 0, withCalculator: 0, withoutCalculator: 0, items: [] };
  const promptOf = (problem: Problem): string => formatProblem(problem).prompt;
  const withCalculator = await answerAccuracy(problems, promptOf, completerFor(true));
  const calculated = (index: number): boolean => withCalculator.records[index]?.completion.includes('<<') ?? false;
  const again = await answerAccuracy(
    problems.filter((_, index) => calculated(index)),
    promptOf,
    completerFor(false),
  );
  let next = 0;
  const items = withCalculator.records.map((record, index) => ({
    question: record.question,
    withCalculator: record.correct,
    withoutCalculator: calculated(index) ? (again.records[next++]?.correct ?? false) : record.correct,
  }));
  const share = (count: number): number => count / problems.length;
  return {
    problems: problems.length,
    withCalculator: withCalculator.accuracy,
    withoutCalculator: share(items.filter((item) => item.withoutCalculator).length),
    items,
  };
}

/** Accuracy at one difficulty level with and without the calculator ({@link calculatorAccuracy}). */
export async function levelAccuracy(
  level: DifficultyItems,
  completerFor: (calculator: boolean) => Completer,
): Promise<LevelAccuracy> {
  const { problems, withCalculator, withoutCalculator } = await calculatorAccuracy(level.problems, completerFor);
  return { difficulty: level.difficulty, problems, withCalculator, withoutCalculator };
}

/**
 * Load `dir` as `forge chat` would (ternary layers dequantized to float: the same weights, without the
 * packed kernel's activation rounding) and measure it on `heldOut`.
 */
export async function measureModelDir(dir: string, heldOut: EffectHeldOut): Promise<ModelEffect> {
  const edge = await loadEdgeModel(dir, { float: true });
  try {
    const persona = measurementPersona(edge.personas);
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
