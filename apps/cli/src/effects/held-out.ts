/**
 * The one held-out set every phase's input and output model is measured on after `forge run`: the
 * validation split's perplexity windows and fresh built-in problems per difficulty. The same items for
 * every model, so a phase that hurts shows at once as a row worse than the one before it.
 */
import {
  SPECIAL_IDS,
  generateProblems,
  heldOutWindows,
  loadPhaseSplit,
  resolvePhaseConfig,
  type BpeTokenizer,
  type Phase,
  type PipelineState,
  type Problem,
  type TokenWindows,
} from '@agent-forge/core';
import type { EffectSettings } from './settings.js';

/** Problems of one difficulty level, none of them in the run's data. */
export interface DifficultyItems {
  /** Built-in generator difficulty, 1 (one step, small numbers) to 5. */
  readonly difficulty: number;
  /** The problems, in generation order. */
  readonly problems: readonly Problem[];
}

/** What every model of a run is measured on. */
export interface EffectHeldOut {
  /** Perplexity windows from the run's validation split (the smallest split any phase held out). */
  readonly windows: TokenWindows;
  /** Answer-accuracy problems per difficulty. */
  readonly levels: readonly DifficultyItems[];
  /** Token budget of each greedy answer. */
  readonly maxNewTokens: number;
}

// Seed stream of the effect problems, apart from the training data's own seed so they are new draws.
const EFFECT_SEED_OFFSET = 7919;

/** The smallest validation share any phase used: its split is held out from every phase. */
export function smallestValidationFraction(phases: readonly Phase[], state: PipelineState): number {
  const fractions = phases.map((phase) => {
    const config = resolvePhaseConfig(phase, state.preset, state.phaseConfigs[phase.name]) as {
      validationFraction?: unknown;
    };
    return typeof config.validationFraction === 'number' ? config.validationFraction : 1;
  });
  return Math.min(0.1, ...fractions);
}

/**
 * Build the held-out set for `state`'s run, tokenized with `tokenizer` (every phase's model shares
 * cognate's). Problems whose question appears anywhere in the run's data are dropped, so nothing a phase
 * trained on is scored.
 */
export async function buildEffectHeldOut(
  state: PipelineState,
  phases: readonly Phase[],
  settings: EffectSettings,
  tokenizer: BpeTokenizer,
  contextLength: number,
): Promise<EffectHeldOut> {
  const validationFraction = smallestValidationFraction(phases, state);
  const split = await loadPhaseSplit(
    { validationFraction },
    { data: state.data, preset: state.preset, seed: state.seed },
  );
  const seen = new Set(split.dataset.problems().map((problem) => problem.question));
  const windows = heldOutWindows(
    split.validation.tokenize(tokenizer),
    contextLength,
    SPECIAL_IDS.eos,
    settings.windows,
  );
  const levels = settings.difficulties.map((difficulty) => ({
    difficulty,
    problems: unseenProblems(difficulty, settings.problemsPerDifficulty, state.seed + EFFECT_SEED_OFFSET, seen),
  }));
  return { windows, levels, maxNewTokens: settings.maxNewTokens };
}

function unseenProblems(difficulty: number, count: number, seed: number, seen: ReadonlySet<string>): Problem[] {
  if (count === 0) return [];
  // Ask for more than needed: a few may collide with training questions at small difficulties.
  const drawn = generateProblems({ count: count * 4, seed, difficulty });
  return drawn.filter((problem) => !seen.has(problem.question)).slice(0, count);
}
