/**
 * Held-out evaluation of a thinker: next-token loss with thoughts (the mixed prediction) and without them
 * (w forced to 0, i.e. the base model), the coherence scores and their correlation with utility,
 * thought diversity, and the overlap of thoughts with the direct continuation. Thoughts are sampled as in
 * training (trained temperature, nThoughts per position) from a fixed seed, so the figures are repeatable.
 */
import { Rng, tf } from '@agent-forge/core';
import type { TokenWindows } from '@agent-forge/core';
import { centredByPosition, mean, pearson, thoughtDiversity } from './coherence.js';
import { continuationOverlap, directContinuation } from './continuation.js';
import { quietStarObjective, type ThoughtBatch } from './objective.js';
import type { Thinker } from './thinker.js';

/** Held-out evaluation windows as core's `heldOutWindows` builds them: T + 1 tokens per row (T positions get a thought). */
export type HeldOutWindows = TokenWindows;

/**
 * Held-out figures of a thinker (the phase's metrics). Losses are nats per token, means over every
 * position × thought row; scores are means over thought rows (see `ThoughtScores`).
 */
export interface ThoughtEvaluation {
  /** Mean NLL of x_{j+1} over held-out positions with thoughts (the mixed prediction). */
  readonly lossWithThoughts: number;
  /** The same NLL without thoughts (w forced to 0): the base model's own prediction. */
  readonly lossWithoutThoughts: number;
  /** without − with: positive when thoughts help. */
  readonly lossDelta: number;
  /** Standard error of the per-position paired difference (positions treated as independent). */
  readonly lossDeltaStdErr: number;
  /**
   * Control for "the head just sharpens the base logits": the same model and mixing head, each
   * position's thought replaced by the thought sampled for another position of the same window.
   */
  readonly lossWithShuffledThoughts: number;
  /** shuffled − with: positive when the thought's content (not just its presence) lowers the loss. */
  readonly thoughtContentDelta: number;
  /** Standard error of `thoughtContentDelta` (paired per position, positions treated as independent). */
  readonly thoughtContentDeltaStdErr: number;
  /**
   * Mean mixing weight w at the first predicted token. 0 = thoughts ignored; negative means the head
   * contrasts against the thought (base + |w|·(base − thought)), a sharpening rather than thinking.
   */
  readonly meanMixWeight: number;
  /** Mean utility (nats): positive when the post-thought prediction alone beats the base on the continuation. */
  readonly utility: number;
  /** Mean semantic score (cosine, −1 … 1). */
  readonly semantic: number;
  /** Mean syntactic score (mean log p of thought tokens, nats, ≤ 0). */
  readonly syntactic: number;
  /** Anti-theater (3): Pearson r of semantic score vs utility over all held-out thoughts; NaN if either is constant. */
  readonly semanticUtilityCorrelation: number;
  /** Anti-theater (3): Pearson r of syntactic score vs utility over all held-out thoughts; NaN if either is constant. */
  readonly syntacticUtilityCorrelation: number;
  /**
   * The same correlations among the thoughts of one position (each score minus its position's mean), so
   * they measure whether the more coherent of two thoughts is the more useful one.
   */
  readonly semanticUtilityCorrelationWithinPosition: number;
  /** `syntacticUtilityCorrelation` among the thoughts of one position (scores centred per position). */
  readonly syntacticUtilityCorrelationWithinPosition: number;
  /** Share (0 … 1) of positions whose nThoughts thoughts are not all identical. */
  readonly distinctPositions: number;
  /** Distinct token bigrams inside thoughts over all such bigrams (0 … 1; higher = more varied). */
  readonly distinct2: number;
  /** Anti-theater (1): thought tokens equal to the greedy direct continuation, per token and per thought. */
  readonly continuationTokenMatch: number;
  /** Share (0 … 1) of whole thoughts identical to the greedy direct continuation (see `continuationTokenMatch`). */
  readonly continuationExactMatch: number;
  /** Thought rows evaluated (positions × nThoughts): the sample size behind the means and std errors. */
  readonly positions: number;
  /** First position that got a thought, per held-out row (all 0 unless `thoughtPositions` is set). */
  readonly positionStarts: readonly number[];
  /** Consecutive positions per row that got a thought, from its `positionStarts` entry. */
  readonly positionsPerRow: number;
  /**
   * NLL without thoughts per evaluated position (not per thought row), `[rows, positionsPerRow]` row-major,
   * in the order of `positionStarts`: what the phase compares with the input model position by position.
   */
  readonly withoutThoughtsNll: Float32Array;
}

/** Evaluates `windows` `batchSize` rows at a time, without gradients. */
export function evaluateThoughts(
  thinker: Thinker,
  windows: HeldOutWindows,
  options: { seed?: number; batchSize?: number } = {},
): ThoughtEvaluation {
  const rng = Rng.fromSeed(options.seed ?? 0);
  const batchSize = options.batchSize ?? 4;
  const parts: EvaluatedPart[] = [];
  for (let start = 0; start < windows.rows; start += batchSize) {
    const rows = Math.min(batchSize, windows.rows - start);
    const tokens = tf.tensor2d(
      windows.tokens.subarray(start * windows.cols, (start + rows) * windows.cols),
      [rows, windows.cols],
      'int32',
    );
    const inputs = tf.slice(tokens, [0, 0], [rows, windows.cols - 1]) as tf.Tensor2D;
    try {
      const batch = quietStarObjective(thinker, tokens, rng.fork(`eval-${start}`));
      batch.loss.dispose();
      const shuffled = shuffledThoughts(batch.thoughts, batch.shape, thinker.settings.thoughtLength);
      const control = quietStarObjective(thinker, tokens, rng.fork(`control-${start}`), {
        thoughts: shuffled,
        firstPosition: batch.firstPosition,
      });
      control.loss.dispose();
      const continuation = directContinuation(thinker, inputs, {
        first: batch.firstPosition,
        length: batch.shape.length,
      });
      parts.push({
        rows,
        batch,
        controlNll: control.mixedNll,
        overlap: continuationOverlap(batch.thoughts, continuation, batch.shape, thinker.settings.thoughtLength),
        diversity: thoughtDiversity(batch.thoughts, batch.shape, thinker.settings.thoughtLength),
      });
    } finally {
      tokens.dispose();
      inputs.dispose();
    }
  }
  return summarise(parts);
}

/**
 * Each position's thought replaced by the one sampled for position (j + ⌊T/2⌋) mod T of the same row and
 * thought: the same thought texts in the same window, none at its own position (for T ≥ 2).
 */
export function shuffledThoughts(
  thoughts: Int32Array,
  shape: { batch: number; thoughts: number; length: number },
  thoughtLength: number,
): Int32Array {
  const { batch, thoughts: count, length } = shape;
  const shift = Math.floor(length / 2);
  const out = new Int32Array(thoughts.length);
  for (let row = 0; row < batch * count; row++) {
    for (let j = 0; j < length; j++) {
      const from = (row * length + ((j + shift) % length)) * thoughtLength;
      out.set(thoughts.subarray(from, from + thoughtLength), (row * length + j) * thoughtLength);
    }
  }
  return out;
}

interface EvaluatedPart {
  readonly rows: number;
  readonly batch: ThoughtBatch;
  readonly controlNll: Float32Array;
  readonly overlap: { tokenMatch: number; exactMatch: number };
  readonly diversity: { distinctPositions: number; distinct2: number };
}

/** Mean and standard error of the paired per-position difference a − b. */
function pairedDelta(a: Float32Array, b: Float32Array): { mean: number; stdErr: number } {
  const delta = a.map((value, i) => value - (b[i] as number));
  const deltaMean = mean(delta);
  const variance = mean(delta.map((value) => (value - deltaMean) ** 2));
  return { mean: deltaMean, stdErr: Math.sqrt(variance / Math.max(1, delta.length)) };
}

function concat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let offset = 0;
  for (const array of arrays) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

function summarise(parts: EvaluatedPart[]): ThoughtEvaluation {
  const all = (pick: (batch: ThoughtBatch) => Float32Array) => concat(parts.map((part) => pick(part.batch)));
  const mixed = all((b) => b.mixedNll);
  const base = all((b) => b.baseNll);
  const utility = all((b) => b.utility);
  const semantic = all((b) => b.semantic);
  const syntactic = all((b) => b.syntactic);
  const centred = (pick: (batch: ThoughtBatch) => Float32Array) =>
    concat(parts.map((part) => centredByPosition(pick(part.batch), part.batch.shape)));
  const control = concat(parts.map((part) => part.controlNll));
  const removed = pairedDelta(base, mixed);
  const content = pairedDelta(control, mixed);
  const weighted = (pick: (part: EvaluatedPart) => number) => mean(parts.map(pick));
  return {
    lossWithThoughts: mean(mixed),
    lossWithoutThoughts: mean(base),
    lossDelta: removed.mean,
    lossDeltaStdErr: removed.stdErr,
    lossWithShuffledThoughts: mean(control),
    thoughtContentDelta: content.mean,
    thoughtContentDeltaStdErr: content.stdErr,
    meanMixWeight: mean(all((b) => b.mixWeight)),
    utility: mean(utility),
    semantic: mean(semantic),
    syntactic: mean(syntactic),
    semanticUtilityCorrelation: pearson(semantic, utility),
    syntacticUtilityCorrelation: pearson(syntactic, utility),
    semanticUtilityCorrelationWithinPosition: pearson(
      centred((b) => b.semantic),
      centred((b) => b.utility),
    ),
    syntacticUtilityCorrelationWithinPosition: pearson(
      centred((b) => b.syntactic),
      centred((b) => b.utility),
    ),
    distinctPositions: weighted((p) => p.diversity.distinctPositions),
    distinct2: weighted((p) => p.diversity.distinct2),
    continuationTokenMatch: weighted((p) => p.overlap.tokenMatch),
    continuationExactMatch: weighted((p) => p.overlap.exactMatch),
    positions: mixed.length,
    positionStarts: parts.flatMap((part) => Array.from({ length: part.rows }, () => part.batch.firstPosition)),
    positionsPerRow: parts[0]?.batch.shape.length ?? 0,
    // Thought row n·B + b repeats sequence b's base NLL for every n: the first B rows are each position once.
    withoutThoughtsNll: concat(
      parts.map((part) => part.batch.baseNll.subarray(0, part.rows * part.batch.shape.length)),
    ),
  };
}
